"""The walk's fixes on the plan and referral forms: a plan has as many rows as needed, and the referral form of a
household case asks first whom to refer, then offers only agencies with a basis — and no empty list when none has."""

import pytest
from django.utils import timezone

from tests.sharing.world import build
from tsunagu.cases.forms import PLAN_ROWS_MAX
from tsunagu.cases.models import SupportPlan
from tsunagu.sharing import policy

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(alice, bob):
    from tests import factories

    dave = factories.staff(factories.agency("テスト生活困窮者自立相談支援機関", kind="poverty_consultation",
                                            fields=["poverty"]), login_id="dave")
    erin = factories.staff(factories.agency("テスト社会福祉協議会", kind="social_welfare_council"), login_id="erin")
    return build(alice, bob, dave, erin)


def _plan_form(rows: int, **extra) -> dict:
    data = {"goals": "家族それぞれが支援につながる", "person_wishes": "", "review_on": "",
            "actions-TOTAL_FORMS": str(rows), "actions-INITIAL_FORMS": "0", "actions-MIN_NUM_FORMS": "1",
            "actions-MAX_NUM_FORMS": str(PLAN_ROWS_MAX)}
    return data | extra


def test_a_plan_grows_a_row_at_a_time_and_keeps_what_was_typed(world, alice, client_for):
    client = client_for(alice)
    page = client.get(f"/cases/{world.case.pk}/plans/new/").content.decode()
    assert page.count("支援内容 1") == 1 and "支援内容 2" not in page
    grown = client.post(f"/cases/{world.case.pk}/plans/new/",
                        _plan_form(1, add_row="1", **{"actions-0-description": "見守り訪問"})).content.decode()
    assert "支援内容 2" in grown and 'value="見守り訪問"' in grown and "家族それぞれが支援につながる" in grown
    assert not SupportPlan.objects.filter(case=world.case, revision=2).exists()  # 行を追加 saves nothing


def test_a_plan_keeps_every_row_it_is_given(world, alice, client_for):
    rows = {f"actions-{i}-description": f"支援 {i + 1}" for i in range(5)}
    client_for(alice).post(f"/cases/{world.case.pk}/plans/new/", _plan_form(5, **rows))
    plan = SupportPlan.objects.filter(case=world.case).order_by("-revision").first()
    assert plan.revision == 2 and plan.actions.count() == 5


def test_a_plan_row_names_a_member(world, alice, client_for):
    client_for(alice).post(f"/cases/{world.case.pk}/plans/new/", _plan_form(
        1, **{"actions-0-description": "登校の支援", "actions-0-members": [world.grandson.pk]}))
    row = SupportPlan.objects.filter(case=world.case).order_by("-revision").first().actions.get()
    assert list(row.members.all()) == [world.grandson]


def test_the_referral_form_of_a_household_case_asks_whom_first(world, alice, client_for):
    page = client_for(alice).get(f"/cases/{world.case.pk}/referrals/new/").content.decode()
    for member in (world.father, world.mother, world.son, world.grandson):
        assert f"{member.name}さんをつなぐ" in page
    assert "つなぎ先の機関" not in page


def test_no_basis_means_no_empty_list_and_no_button(world, alice, client_for):
    world.meeting.agenda_items.update(removed_on=timezone.localdate())  # the 支援会議 no longer has the household
    policy.sharing_changed()
    page = client_for(alice).get(f"/cases/{world.case.pk}/referrals/new/?person={world.grandson.pk}").content.decode()
    assert "情報共有の根拠（本人同意・支援会議など）がある機関がありません" in page
    assert "<select" not in page and "依頼する" not in page
    assert f"{world.grandson.name}さんの同意を記録する" in page
    offered = client_for(alice).get(f"/cases/{world.case.pk}/referrals/new/?person={world.son.pk}").content.decode()
    assert "<select" in offered and "依頼する" in offered
