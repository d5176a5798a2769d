"""部署異動 (J5): the handover preview names each case by its 呼び名, not its 主訴; the demo has the successor's login,
with the cases a leaving colleague handed over, and `tsunagu demo-logins` prints it."""

from io import StringIO

import pytest
from django.core.management import call_command

from tests import factories
from tests.sharing.world import actor
from tsunagu.agencies.demo import SUCCESSOR_LOGIN
from tsunagu.cases import services as cases
from tsunagu.cases.models import Case
from tsunagu.followups.models import Handover
from tsunagu.people import services as people

COMPLAINT = "母親が夜勤で不在がちで、長男が学校に行けていない。家賃の滞納もあり生活が苦しい。"


def test_the_handover_preview_lists_cases_by_their_name(alice, own_agency, own_manager, client_for):
    mother = people.person_create(actor=actor(alice), name="十河 恵", kana="そごう めぐみ")
    household = people.household_create(actor=actor(alice), name="十河さん世帯", members=[(mother, "", True)])
    cases.case_open(actor=actor(alice), household=household, title=COMPLAINT)
    successor = factories.staff(own_agency, name="後任 あおい")
    page = client_for(own_manager).post("/followups/handover/", {"from_staff": alice.pk, "to_staff": successor.pk,
                                                                 "note": ""}).content.decode()
    assert "引き継ぐもの: 支援ケース 1 件" in page
    assert "<li>十河さん世帯</li>" in page and COMPLAINT[:20] not in page


@pytest.mark.slow
def test_the_demo_gives_the_successor_a_login_and_a_colleague_s_cases(db):
    call_command("demo", profile="town")
    handover = Handover.objects.select_related("to_staff", "from_staff").get()
    assert handover.to_staff.login_id == SUCCESSOR_LOGIN and handover.case_ids
    assert set(Case.objects.filter(worker=handover.to_staff).values_list("pk", flat=True)) >= set(handover.case_ids)
    assert handover.to_staff.memberships.get().agency == handover.from_staff.memberships.get().agency
    out = StringIO()
    call_command("demo_logins", stdout=out)
    assert f"  {SUCCESSOR_LOGIN:<14} 後任 あおい" in out.getvalue()
