"""The 体制整備 benchmark's kept database: built for one profile, refused for the other."""

import pytest

from bench.workspace import run
from tsunagu.agencies.models import Agency


@pytest.mark.django_db
def test_the_city_is_padded_to_its_agencies_and_a_kept_city_database_is_refused_for_the_metro():
    agencies = run._agencies_and_staff("city", run.SCALE["city"]["agencies"])
    assert len(agencies) == 40 == Agency.objects.count()
    assert len(run._agencies_and_staff("city", 40)) == 40  # kept: nothing added the second time
    assert Agency.objects.count() == 40
    with pytest.raises(SystemExit, match="metro プロファイルのものではありません"):
        run._agencies_and_staff("metro", run.SCALE["metro"]["agencies"])


def test_the_metro_is_refused_without_postgresql(capsys):
    with pytest.raises(SystemExit):
        run.main(["--profile", "metro"])
    assert "PostgreSQL でのみ" in capsys.readouterr().err
