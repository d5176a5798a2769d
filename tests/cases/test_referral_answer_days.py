"""つなぎの回答日数 (cases.queries): the median calendar days from 依頼 to the first 受理 or 辞退, the unanswered counted
apart — one definition, so the 集計 (reports) and the 連携ネットワーク (workspace) give the same figure."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.sharing.world import actor
from tsunagu.cases import services
from tsunagu.cases.models import Case, Referral, ReferralStatus
from tsunagu.cases.queries import ReferralAnswer, referral_answer_days, referral_answers
from tsunagu.core.fiscal import fiscal_year_span
from tsunagu.people.models import Household
from tsunagu.reports.figures import yearly_figures
from tsunagu.workspace import queries as workspace_queries

JST = ZoneInfo("Asia/Tokyo")
YEAR = 2025  # 令和7年度


def _at(*args: int) -> datetime:
    return datetime(*args, tzinfo=JST)


def _answers(*days):
    return [ReferralAnswer(1, 2, date(2025, 5, 1), d) for d in days]


def test_the_median_of_those_answered_with_the_unanswered_apart():
    figure = referral_answer_days(_answers(3, 1, None, 0, 5))
    assert (figure.median, figure.answered, figure.unanswered) == (2, 4, 1)  # the median of 0, 1, 3, 5
    assert referral_answer_days(_answers(1, 2)).median == 1.5
    assert referral_answer_days(_answers(None)).median is None and referral_answer_days(_answers(None)).unanswered == 1
    assert referral_answer_days([]).median is None


def test_the_answer_time_is_the_first_acceptance_or_declining(world, bob):
    referral = world.referral
    services.referral_respond(actor=actor(bob), referral=referral, status=ReferralStatus.ACCEPTED, expected_version=1)
    first = Referral.objects.get(pk=referral.pk).answered_at
    services.referral_respond(actor=actor(bob), referral=referral, status=ReferralStatus.IN_PROGRESS, expected_version=2)
    assert first is not None and Referral.objects.get(pk=referral.pk).answered_at == first


@pytest.fixture
def referrals_of_the_year(alice, own_agency, partner_agency):
    """Referrals from the own agency to the partner, on either side of the year's edges."""
    household = Household.objects.create(agency=own_agency, name="架空さん世帯")
    case = Case.objects.create(agency=own_agency, lead_agency=own_agency, household=household, title="架空さん世帯の支援")

    def send(sent, status, answered=None):
        Referral.objects.create(case=case, from_agency=own_agency, to_agency=partner_agency, from_staff=alice,
                                reason="理由", request="依頼", due_on=sent.date() + timedelta(days=7), status=status,
                                sent_at=sent, answered_at=answered)

    send(_at(2025, 4, 1, 0, 30), ReferralStatus.ACCEPTED, _at(2025, 4, 4, 10))  # 3 days (sent on 31 March in UTC)
    send(_at(2025, 6, 10, 23, 30), ReferralStatus.DECLINED, _at(2025, 6, 11, 0, 10))  # 1 calendar day (40 minutes)
    send(_at(2025, 7, 1, 9), ReferralStatus.COMPLETED, _at(2025, 7, 1, 15))  # the same day: 0
    send(_at(2026, 3, 31, 23), ReferralStatus.ACCEPTED, _at(2026, 4, 5, 9))  # the year's last day: 5 days
    send(_at(2025, 8, 1, 9), ReferralStatus.REQUESTED)  # unanswered
    send(_at(2025, 9, 1, 9), ReferralStatus.CANCELLED)  # withdrawn before any answer: neither
    send(_at(2025, 3, 31, 23, 59), ReferralStatus.ACCEPTED, _at(2025, 5, 30, 9))  # the year before
    send(_at(2026, 4, 1, 0, 0), ReferralStatus.ACCEPTED, _at(2026, 5, 1, 9))  # the year after
    return own_agency, partner_agency


def test_the_network_page_and_the_figures_agree(referrals_of_the_year, coordinator, client_for):
    own, partner = referrals_of_the_year
    since, until = fiscal_year_span(YEAR)
    figure = referral_answer_days(referral_answers(Referral.objects.filter(sent_at__gte=since, sent_at__lt=until)))
    assert (figure.median, figure.answered, figure.unanswered) == (2, 4, 1)  # the median of 0, 1, 3, 5

    [edge] = [e["data"] for e in workspace_queries.network(YEAR)["edges"] if e["data"]["type"] == "referral"]
    table = yearly_figures(YEAR)
    assert edge["answer_days"] == table.value("answer_days", own.pk) == table.value("answer_days") == 2
    assert edge["unanswered"] == table.value("unanswered_referrals", own.pk) == 1
    assert edge["count"] == table.value("referrals", own.pk) == 6 and edge["acceptance"] == pytest.approx(3 / 4)

    # the same on the pages: the network's JSON and table, the 集計's API
    client = client_for(coordinator)
    [json_edge] = [e["data"] for e in client.get(f"/workspace/design/network.json?year={YEAR}").json()["edges"]
                   if e["data"]["type"] == "referral"]
    assert (json_edge["answer_days"], json_edge["unanswered"]) == (2, 1)
    html = client.get(f"/workspace/design/network/?year={YEAR}").content.decode()
    assert "<td>2日</td><td>1件</td>" in html
    answer = client.get(f"/api/reports/figures?year={YEAR}").json()
    by_key = {f["key"]: f for f in answer["figures"]}
    assert by_key["answer_days"]["year"] == 2 and by_key["unanswered_referrals"]["year"] == 1
    assert by_key["answer_days"]["months"][:4] == [3, None, 1, 0]  # April, May (nothing sent), June, July
    assert by_key["unanswered_referrals"]["months"][4] == 1  # August
