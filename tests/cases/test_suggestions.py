"""The agencies suggested for a household (its page's 相談先の候補): a child with DV・虐待 (or 不登校 with 子育て) puts
the こども家庭センター (the 要対協's 調整機関) first; the others are ranked by the 分野 they share, the same 地区 and the
referrals they have accepted; drop-in places (子育て拠点, 共生型拠点) are left out. A household built here."""

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone

from tests import factories
from tests.sharing.world import actor
from tsunagu.agencies.models import AgencyKind, Municipality
from tsunagu.cases import services as cases
from tsunagu.cases.models import Referral, ReferralStatus
from tsunagu.cases.queries import suggested_agencies
from tsunagu.people import services as people


@pytest.fixture
def town(db):
    Municipality.objects.create(name="さくら野町")
    make = factories.agency
    return {
        "centre": make("テスト町こども家庭センター", kind=AgencyKind.CHILD_FAMILY_CENTER, fields=["health"],
                       address="さくら野町本町1丁目1番1号"),
        "hub": make("テスト町子育て支援拠点 ひよこ", kind=AgencyKind.CHILDCARE_HUB, fields=["children", "advocacy"],
                    address="さくら野町旭町1丁目5番1号"),
        "both": make("テスト町権利擁護センター", kind=AgencyKind.OTHER, fields=["children", "advocacy"],
                     address="さくら野町栄町2丁目1番1号"),
        "near": make("テスト町 子ども相談室 旭", kind=AgencyKind.OTHER, fields=["children"],
                     address="さくら野町旭町2丁目3番4号"),
        "trusted": make("テスト町 子ども相談室 栄", kind=AgencyKind.OTHER, fields=["children"],
                        address="さくら野町栄町3丁目1番1号"),
        "plain": make("テスト町 子ども相談室 緑", kind=AgencyKind.OTHER, fields=["children"],
                      address="さくら野町緑町1丁目1番1号"),
        "elderly": make("テスト町 高齢者相談室", kind=AgencyKind.OTHER, fields=["elderly"],
                        address="さくら野町旭町1丁目1番1号"),
    }


def _sogo(alice, *, child_born: date, concerns: list[str]):
    a = actor(alice)
    mother = people.person_create(actor=a, name="十河 恵", kana="そごう めぐみ", birth_date=date(1988, 4, 1), sex="F")
    son = people.person_create(actor=a, name="十河 翔", kana="そごう しょう", birth_date=child_born, sex="M")
    household = people.household_create(actor=a, name="十河さん世帯", address="さくら野町旭町1丁目2番3号",
                                         members=[(mother, "", True), (son, "child", False)])
    cases.consultation_record(actor=a, route="phone", consulter="neighbour", household=household,
                              main_complaint="子どもが夜遅くまで一人でいる。", concerns=concerns, outcome="continue")
    return household


def _accepted(town, alice, n: int) -> None:
    a = actor(alice)
    person = people.person_create(actor=a, name="受理 実績", kana="じゅり じっせき")
    case = cases.case_open(actor=a, person=person, title="受理の実績")
    for _ in range(n):
        Referral.objects.create(case=case, person=person, from_agency=case.agency, to_agency=town["trusted"],
                                from_staff=alice, reason="r", request="q", due_on=timezone.localdate(),
                                status=ReferralStatus.ACCEPTED)


def _listed(page: str) -> list[str]:
    card = page.split("相談先の候補", 1)[1].split("</ol>", 1)[0]
    return re.findall(r"<li>([^（<]+)", card)


def test_a_child_at_risk_puts_the_child_family_centre_first_and_ranks_the_rest(town, alice, client_for):
    household = _sogo(alice, child_born=timezone.localdate() - timedelta(days=365 * 9), concerns=["abuse", "childcare"])
    _accepted(town, alice, 2)
    page = client_for(alice).get(f"/people/households/{household.pk}/").content.decode()
    names = [a.name for a in (town["centre"], town["both"], town["near"], town["trusted"], town["plain"])]
    assert _listed(page) == names  # centre; two 分野; one 分野 in the same 地区; one with accepted referrals; the rest
    assert town["hub"].name not in page and town["elderly"].name not in page  # a drop-in place; no 分野 shared
    assert "子どもの安全（要保護児童対策地域協議会・こども家庭センター）" in page
    assert "同じ地区（旭町）" in page and "受理 2件" in page


def test_truancy_with_childcare_also_puts_the_centre_first(town, alice):
    household = _sogo(alice, child_born=timezone.localdate() - timedelta(days=365 * 13),
                      concerns=["withdrawal", "childcare"])
    ranked = suggested_agencies(household.multi_issue_fields, concerns=["withdrawal", "childcare"], ages=[38, 13],
                                address=household.address)
    assert ranked[0].agency == town["centre"]


def test_without_a_child_the_centre_is_not_put_first(town, alice):
    ranked = suggested_agencies(["children", "advocacy"], concerns=["abuse", "childcare"], ages=[38, 19],
                                address="さくら野町旭町1丁目2番3号")
    assert town["centre"] not in [s.agency for s in ranked]  # its 分野 (保健・医療) is not among the needs
    assert ranked[0].agency == town["both"]
