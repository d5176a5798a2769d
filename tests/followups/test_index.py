"""The follow-up list: overdue and coming follow-ups in two tables, each row naming the case and its person or
household, with every value escaped."""

from datetime import timedelta

from django.utils import timezone

from tests.sharing.world import actor
from tsunagu.cases import services as cases
from tsunagu.followups import services
from tsunagu.followups.models import FollowUp


def _tables(page: str) -> tuple[str, str]:
    overdue = page.split('aria-labelledby="overdue-title"', 1)[1].split("</table>", 1)[0]
    due = page.split('aria-labelledby="due-title"', 1)[1].split("</table>", 1)[0]
    return overdue, due


def test_overdue_and_coming_followups_are_listed_apart_with_their_case(world, alice, client_for):
    a = actor(alice)
    services.schedule_create(actor=a, case=world.son_case, starts_on=timezone.localdate() - timedelta(days=3), occurrences=1)
    services.schedule_create(actor=a, case=world.case, starts_on=timezone.localdate() + timedelta(days=5), occurrences=1)
    overdue, due = _tables(client_for(alice).get("/followups/").content.decode())
    late = FollowUp.objects.get(case=world.son_case)
    assert "期限切れ" in overdue and world.son_case.label in overdue and world.son.name in overdue
    assert f'href="/followups/{late.pk}/record/"' in overdue and alice.name in overdue
    assert "期限切れ" not in due and world.case.label in due and world.household.name in due  # a household case


def test_values_are_escaped_and_a_followup_without_a_worker_says_so(world, alice, client_for):
    a = actor(alice)
    case = cases.case_open(actor=a, person=world.son, title="見守り", name="<script>alert(1)</script>の見守り")
    services.schedule_create(actor=a, case=case, starts_on=timezone.localdate() + timedelta(days=1), occurrences=1)
    FollowUp.objects.filter(case=case).update(staff=None)
    _, due = _tables(client_for(alice).get("/followups/").content.decode())
    assert "&lt;script&gt;alert(1)&lt;/script&gt;の見守り" in due and "<script>alert" not in due
    assert "<td>未定</td>" in due


def test_empty_tables_say_so(alice, client_for):
    overdue, due = _tables(client_for(alice).get("/followups/").content.decode())
    assert "期限を過ぎたフォローアップはありません。" in overdue and "2週間以内の予定はありません。" in due

def test_a_list_cut_at_its_limit_says_so_with_the_overdue_total(world, alice, client_for, monkeypatch):
    from tsunagu.followups import views

    a = actor(alice)
    services.schedule_create(actor=a, case=world.son_case, starts_on=timezone.localdate() - timedelta(days=90),
                             occurrences=3, interval_months=1)
    client = client_for(alice)
    page = client.get("/followups/").content.decode()
    assert "期限を過ぎたフォローアップ（3件）" in page and "件までを表示しています" not in page
    monkeypatch.setattr(views, "FOLLOWUP_LIST_LIMIT", 2)
    page = client.get("/followups/").content.decode()
    overdue, _ = _tables(page)
    assert overdue.count("期限切れ</span>") == 2
    assert "予定日の古い順に 2 件までを表示しています。期限を過ぎたものは全部で 3 件あります。" in page
