"""Dashboard panels: the planner's roadmap due and overdue, latest 試行検証, proposals; a manager's inventory."""

from datetime import timedelta

import pytest
from django.template.loader import render_to_string
from django.utils import timezone

from tests import factories
from tsunagu.agencies.actor import actor_for
from tsunagu.core.fiscal import FISCAL_MONTHS, fiscal_year
from tsunagu.workspace import dashboard, services
from tsunagu.workspace.excel import read_inventory_sheet
from tsunagu.workspace.models import MeetingInventory, RoadmapActivity, TrialObservation

from .conftest import seed_sheet
from .test_meeting_inventory import _meeting


def _months_around(today):
    """This month, the month before and the month after within the fiscal year (clamped at its ends)."""
    i = FISCAL_MONTHS.index(today.month)
    return FISCAL_MONTHS[max(i - 1, 0)], FISCAL_MONTHS[i], FISCAL_MONTHS[min(i + 1, 11)]


def _activity(title, year, start, end, status="planned"):
    return RoadmapActivity.objects.create(fiscal_year=year, step=2, title=title, start_month=start, end_month=end, status=status)


def test_the_planner_sees_what_is_due_and_overdue(client_for, planner):
    today = timezone.localdate()
    year = fiscal_year(today)
    before, now, after = _months_around(today)
    _activity("去年度の積み残し", year - 1, 4, 3)
    _activity("今月まで", year, FISCAL_MONTHS[0], now, status="in_progress")
    if after != now:
        _activity("来月まで", year, now, after)
    _activity("完了した取り組み", year - 1, 4, 5, status="done")
    page = client_for(planner).get("/").content.decode()
    assert "期限を過ぎた取り組み（1件）" in page and "去年度の積み残し" in page
    assert f"今月（{today.month}月）が期限の取り組み（1件）" in page and "今月まで" in page
    assert "完了した取り組み" not in page and "来月まで" not in page


def test_the_planner_sees_the_latest_observations_and_open_proposals(client_for, planner, own_agency, partner_agency, city_hall):
    year = fiscal_year(timezone.localdate())
    for i, event in enumerate(["古い記録", "二つ目", "三つ目", "いちばん新しい記録"]):
        TrialObservation.objects.create(observed_on=timezone.localdate() - timedelta(days=30 - i), heard="相談員", event=event)
    for host, others, name, purpose in [(city_hall, [own_agency, partner_agency], "連絡調整会議", "包括と自治体との情報共有"),
                                        (partner_agency, [own_agency, city_hall], "障がい福祉連絡会", "障害分野の関係機関との情報共有と連携")]:
        _meeting(host, others, name, purpose)
    MeetingInventory.objects.update(fiscal_year=year)
    page = client_for(planner).get("/").content.decode()
    assert "いちばん新しい記録" in page and "古い記録" not in page
    assert "会議・研修の効率化の提案（1件・年 162.0 時間）" in page and "共催" in page


def test_a_manager_sees_her_inventorys_status_and_a_worker_nothing(client_for, own_manager, own_agency, alice, job_roles):
    year = fiscal_year(timezone.localdate())
    assert "の業務棚卸表はまだありません" in client_for(own_manager).get("/").content.decode()
    services.task_inventory_import(agency=own_agency, fiscal_year=year, parsed=read_inventory_sheet(seed_sheet()))
    page = client_for(own_manager).get("/").content.decode()
    assert "業務 4件・職種 8列。取り組めていない業務（×）1件、任せられる業務の提案 1件" in page
    assert "体制整備の予定" not in page
    assert dashboard.panels(actor_for(alice)) == []


@pytest.mark.parametrize("count", [1, 3])
def test_panel_queries_do_not_grow(planner, own_agency, django_assert_num_queries, count):
    year = fiscal_year(timezone.localdate())
    codes = services.trial_codes_ensure_defaults()
    for i in range(count):
        _activity(f"積み残し{i}", year - 1, 4, 5)
        TrialObservation.objects.create(observed_on=timezone.localdate(), heard="相談員", event=f"出来事{i}").codes.set(codes[:2])
        _meeting(own_agency, [factories.agency()], f"会議{i}", "情報共有")
    MeetingInventory.objects.update(fiscal_year=year)
    actor = actor_for(planner)
    actor.agency  # noqa: B018  (the membership is loaded once per request, by the middleware)
    with django_assert_num_queries(5):
        for panel in dashboard.panels(actor):
            render_to_string(panel.template, {"panel": panel})
