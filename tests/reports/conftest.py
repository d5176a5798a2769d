import pytest


@pytest.fixture(autouse=True)
def _shown_counted_afresh():
    """The counts of rows a reader may see are kept per process under the figures' and sharing's tokens, which a
    test's rolled-back writes leave as they were: no test reads a count another one made."""
    from tsunagu.reports.rows import forget_shown

    forget_shown()
