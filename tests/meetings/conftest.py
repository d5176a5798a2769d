from tests.sharing.conftest import meeting_members, personas, world  # noqa: F401
