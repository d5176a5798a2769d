"""参加支援: a placement from a case, its check-ins and end, its case-timeline entries — all through the policy."""

from datetime import date

import pytest

from tests.resources.helpers import resource
from tests.sharing import world as w
from tests.sharing.conftest import meeting_members, world  # noqa: F401
from tsunagu.audit.models import AccessLog
from tsunagu.participation.models import Placement
from tsunagu.participation.queries import suggestions
from tsunagu.participation.timeline import case_entries

pytestmark = pytest.mark.django_db


@pytest.fixture
def farm():
    return resource("就労体験（農園）", fields=["employment", "community"], kind="informal", district="旭町",
                    capacity=5, vacancy=2)


def _create(client, case, farm, **extra):
    return client.post(f"/resources/placements/case/{case.pk}/", {
        "service": farm.pk, "person": case.person_id, "purpose": "work_experience",
        "arrangement": "週1回、午前だけ。人の少ない畑から始める", "host_contact": "農園の山田さん",
        "started_on": "2026-11-02", **extra})


def test_placement_from_a_case_shows_on_its_timeline(client_for, alice, world, farm):  # noqa: F811
    client = client_for(alice)
    page = client.get(f"/resources/placements/case/{world.son_case.pk}/")
    assert page.status_code == 200 and "就労体験（農園）" in page.content.decode()
    response = _create(client, world.son_case, farm)
    placement = Placement.objects.get()
    assert response.status_code == 302 and placement.person == world.son and placement.case == world.son_case
    client.post(f"/resources/placements/{placement.pk}/check-in/", {"on": "2026-11-09", "note": "笑顔で作業できた"})
    client.post(f"/resources/placements/{placement.pk}/end/", {"ended_on": "2026-12-01", "reason": "一般就労へ"})
    titles = [(e.on, e.title) for e in case_entries([world.son_case.pk], w.actor(alice))]
    assert (date(2026, 11, 2), "就労体験（農園）（就労体験）開始") in titles
    assert (date(2026, 11, 9), "就労体験（農園） の様子") in titles
    assert (date(2026, 12, 1), "就労体験（農園） 終了") in titles


def test_consented_partner_may_see_and_outsider_gets_404(client_for, alice, bob, charlie, world, farm):  # noqa: F811
    _create(client_for(alice), world.son_case, farm)
    placement = Placement.objects.get()
    assert client_for(bob).get(f"/resources/placements/{placement.pk}/").status_code == 200
    outsider = client_for(charlie)
    for url in [f"/resources/placements/{placement.pk}/", f"/resources/placements/case/{world.son_case.pk}/"]:
        assert outsider.get(url).status_code == 404
    assert outsider.post(f"/resources/placements/{placement.pk}/end/", {"ended_on": "2026-12-01",
                                                                          "reason": "x"}).status_code == 404
    assert _create(outsider, world.son_case, farm).status_code == 404
    assert Placement.objects.get().status == "active" and Placement.objects.count() == 1
    assert case_entries([world.son_case.pk], w.actor(charlie)) == []


def test_anonymous_is_sent_to_login(client, alice, world, farm):  # noqa: F811
    assert client.get(f"/resources/placements/case/{world.son_case.pk}/").status_code == 302


def test_reads_are_logged(client_for, alice, bob, world, farm):  # noqa: F811
    _create(client_for(alice), world.son_case, farm)
    before = AccessLog.objects.count()
    client_for(bob).get(f"/resources/placements/{Placement.objects.get().pk}/")
    assert AccessLog.objects.count() > before


def test_suggestions_follow_fields_age_and_district():
    near = resource("旭町ゆるやか居場所", fields=["community"], district="旭町", kind="informal")
    far = resource("緑町ゆるやか居場所", fields=["community"], district="緑町", kind="informal")
    adults_only = resource("大人の居場所", fields=["community"], minimum_age=20)
    resource("介護の窓口", fields=["elderly"])
    found = suggestions(fields=["community"], age=12, address="さくら野町旭町1丁目")
    assert [s.name for s in found] == [near.name, far.name]
    assert adults_only not in found
