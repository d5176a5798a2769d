"""Real rows in the real database for tests: small helpers, no mocks."""

from itertools import count

from tsunagu.agencies.models import Agency, AgencyKind, Field, JobRole, Membership, Operation, Role, Staff

_seq = count(1)
PASSWORD = "correct-horse-battery-staple"


def agency(name: str | None = None, *, kind: str = AgencyKind.COMMUNITY_GENERAL_SUPPORT, fields=None, **extra) -> Agency:
    n = next(_seq)
    return Agency.objects.create(
        name=name or f"テスト機関{n}",
        kana=f"てすときかん{n}",
        kind=kind,
        operation=extra.pop("operation", Operation.CONTRACTED),
        fields=fields if fields is not None else [Field.ELDERLY],
        **extra,
    )


def staff(agency: Agency | None = None, *, role: str = Role.WORKER, login_id: str | None = None, name: str | None = None,
          job_role: str = "社会福祉士") -> Staff:
    n = next(_seq)
    person = Staff.objects.create_user(login_id=login_id or f"user{n}", password=PASSWORD, name=name or f"職員 {n}号")
    if agency is not None:
        jr, _ = JobRole.objects.get_or_create(name=job_role)
        Membership.objects.create(staff=person, agency=agency, job_role=jr, role=role)
    return person
