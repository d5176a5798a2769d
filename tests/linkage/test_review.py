"""The coordinator's review queue and cluster pages, through the real HTTP stack."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.conftest import count_queries
from tsunagu.audit.models import AccessLog
from tsunagu.linkage.models import DecisionAction, LinkageRun, MergeDecision, PersonLink, ReviewPair, RunStatus
from tsunagu.people.models import Person

from .helpers import person, run

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewed(twins):
    run()
    return ReviewPair.objects.get(person_a=twins[0], person_b=twins[1])


def test_the_coordinator_sees_the_pair_side_by_side_with_its_explanation(client_for, coordinator, twins, reviewed):
    response = client_for(coordinator).get("/linkage/review/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "山口 優太" in page and "山口 優斗" in page
    assert "双子の可能性" in page and "生年月日" in page and "一致" in page
    # why it is uncertain, in her words: what agrees and what differs
    assert "一致：生年月日、性別、住所と電話。" in page and "異なる：名（姓は同じ。親子・きょうだいの可能性）。" in page
    assert f'action="/linkage/review/{reviewed.pk}/decide/"' in page


def test_every_person_shown_is_logged(client_for, coordinator, twins, reviewed):
    client_for(coordinator).get("/linkage/review/")
    logged = AccessLog.objects.filter(staff=coordinator, path="/linkage/review/", object_type="people.person")
    on_page = ReviewPair.objects.order_by("-weight", "id")[:10].values_list("person_a_id", "person_b_id")
    assert set(logged.values_list("object_id", flat=True)) == {str(i) for pair in on_page for i in pair}
    assert {str(twins[0].pk), str(twins[1].pk)} <= set(logged.values_list("object_id", flat=True))
    # The coordinator has no own-agency basis for other agencies' rows: they are read for 名寄せの確認 only.
    others = logged.exclude(object_id__in=[str(p.pk) for p in Person.objects.filter(agency=coordinator.memberships.get().agency)])
    assert others.exists()
    assert set(others.values_list("basis", flat=True)) == {"linkage_review"}


@pytest.mark.parametrize("who", ["alice", "charlie", "admin_staff"])
def test_anyone_but_the_coordinator_gets_404(request, client_for, who, twins, reviewed):
    client = client_for(request.getfixturevalue(who))
    cluster = PersonLink.objects.get(person=twins[0]).cluster
    assert client.get("/linkage/review/").status_code == 404
    assert client.get("/linkage/clusters/").status_code == 404
    assert client.get(f"/linkage/clusters/{cluster}/").status_code == 404
    response = client.post(f"/linkage/review/{reviewed.pk}/decide/", {"action": "merge", "reason": "x"})
    assert response.status_code == 404
    assert client.post(f"/linkage/clusters/{cluster}/unmerge/", {"person": twins[0].pk, "reason": "x"}).status_code == 404
    assert not MergeDecision.objects.exists()
    assert not AccessLog.objects.filter(path__startswith="/linkage/").exists()


def test_keeping_a_pair_apart_takes_it_off_the_queue(client_for, coordinator, twins, reviewed):
    client = client_for(coordinator)
    response = client.post(f"/linkage/review/{reviewed.pk}/decide/", {"action": "keep_apart", "reason": "双子と確認"})
    assert response.status_code == 302
    decision = MergeDecision.objects.get()
    assert (decision.action, decision.reason, decision.decided_by) == (DecisionAction.KEEP_APART, "双子と確認", coordinator)
    assert decision.explanation["fields"]  # what the coordinator saw is kept with the decision
    assert "山口 優斗" not in client.get("/linkage/review/").content.decode()


def test_a_decision_without_a_reason_is_refused_in_japanese(client_for, coordinator, reviewed):
    client = client_for(coordinator)
    response = client.post(f"/linkage/review/{reviewed.pk}/decide/", {"action": "merge", "reason": ""}, follow=True)
    assert "理由を入力してください" in response.content.decode()
    assert not MergeDecision.objects.exists()


def test_merge_then_unmerge_then_rejoin_on_the_cluster_page(client_for, coordinator, twins, reviewed):
    client = client_for(coordinator)
    client.post(f"/linkage/review/{reviewed.pk}/decide/", {"action": "merge", "reason": "誤記と確認"})
    cluster = twins[0].pk
    page = client.get(f"/linkage/clusters/{cluster}/").content.decode()
    assert "山口 優太" in page and "山口 優斗" in page and "誤記と確認" in page

    client.post(f"/linkage/clusters/{cluster}/unmerge/", {"person": twins[1].pk, "reason": "やはり別人"})
    assert PersonLink.objects.get(person=twins[1]).cluster == twins[1].pk
    page = client.get(f"/linkage/clusters/{cluster}/").content.decode()
    assert "この本人とは別人と判断した記録" in page and "再結合" in page

    client.post(f"/linkage/clusters/{cluster}/rejoin/", {"person": twins[1].pk, "reason": "再確認で同一人物"})
    assert PersonLink.objects.get(person=twins[1]).cluster == cluster
    assert list(MergeDecision.objects.order_by("id").values_list("action", flat=True)) == ["merge", "unmerge", "merge"]


def test_unmerging_a_row_that_is_not_in_the_cluster_is_404(client_for, coordinator, twins, reviewed):
    response = client_for(coordinator).post(f"/linkage/clusters/{twins[0].pk}/unmerge/",
                                            {"person": twins[1].pk, "reason": "x"})
    assert response.status_code == 404


def _add_pairs(n, agency, run_row, coordinator):
    """n review pairs, and n earlier decisions for the 最近の判断 table."""
    explanation = {"prior": -10.0, "total": 1.0, "probability": 0.6, "band": "review", "twin_guard": False,
                   "fields": [{"comparison": c, "level": "一致", "weight": 3.0} for c in ("氏名・読み", "生年月日", "性別", "住所・電話")]}
    for i in range(n):
        a, b, c = (person(agency, f"試験 {i}{x}", birth="1950-01-01") for x in "ABC")
        for p in (a, b, c):
            PersonLink.objects.create(person=p, cluster=p.pk, household_group=a.pk, run=run_row)
        ReviewPair.objects.create(run=run_row, person_a=a, person_b=b, weight=1.0, probability=0.6, explanation=explanation)
        MergeDecision.objects.create(person_a=a, person_b=c, action=DecisionAction.KEEP_APART, reason="別人",
                                     decided_by=coordinator, agency=agency)


def test_the_review_list_makes_the_same_number_of_queries_for_1_and_3_pairs(client_for, coordinator, own_agency):
    client = client_for(coordinator)
    run_row = LinkageRun.objects.create(status=RunStatus.DONE)
    _add_pairs(1, own_agency, run_row, coordinator)
    client.get("/linkage/review/")  # the first request of a session does its own one-off queries
    one = count_queries(client, "/linkage/review/")
    _add_pairs(2, own_agency, run_row, coordinator)
    three = count_queries(client, "/linkage/review/")
    assert ReviewPair.objects.count() == 3 and AccessLog.objects.filter(path="/linkage/review/").count() == 2 + 2 + 6
    assert one == three


def test_the_dashboard_tells_the_coordinator_how_many_pairs_wait(client_for, coordinator, alice, reviewed):
    waiting = ReviewPair.objects.filter(decision__isnull=True).count()
    page = client_for(coordinator).get("/").content.decode()
    assert "名寄せの確認待ち" in page and f"{waiting} 組" in page
    assert "名寄せの確認待ち" not in client_for(alice).get("/").content.decode()


def test_a_pair_already_joined_by_another_decision_leaves_the_queue(coordinator, own_agency, twins, reviewed):
    from tsunagu.agencies.actor import actor_for
    from tsunagu.linkage import queries, services

    third = person(own_agency, "山口 ゆうた", "ヤマグチ ユウタ", "2015-06-01")
    PersonLink.objects.create(person=third, cluster=third.pk, household_group=third.pk, run=reviewed.run)
    actor = actor_for(coordinator)
    services.persons_merge(actor=actor, person_a=twins[0], person_b=third, reason="同一")
    services.persons_merge(actor=actor, person_a=twins[1], person_b=third, reason="同一")
    assert reviewed not in queries.open_review_pairs()


def test_the_dashboard_count_follows_each_decision_and_asks_no_count_again_until_one(client_for, coordinator, twins,
                                                                                     own_agency, reviewed):
    from tsunagu.agencies.actor import actor_for
    from tsunagu.linkage import queries, services

    client = client_for(coordinator)
    before = queries.open_review_count(reviewed.run)
    assert before == queries.open_review_pairs(reviewed.run).count() >= 1
    assert f"{before} 組" in client.get("/").content.decode()
    with CaptureQueriesContext(connection) as asked:
        assert queries.open_review_count(reviewed.run) == before
    assert not any("COUNT(" in q["sql"] for q in asked.captured_queries)  # kept until a decision
    services.review_pair_decide(actor=actor_for(coordinator), pair=reviewed, action=DecisionAction.KEEP_APART,
                                reason="別人")
    assert queries.open_review_count(reviewed.run) == before - 1 == queries.open_review_pairs(reviewed.run).count()
