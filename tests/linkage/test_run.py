"""The linkage run through the real database: clusters, twins, decisions surviving a rerun, unmerge."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.utils import timezone

from tsunagu.agencies.actor import actor_for
from tsunagu.linkage import services
from tsunagu.linkage.models import DecisionAction, LinkageRun, MergeDecision, PersonLink, ReviewPair, RunStatus

from .helpers import person, run

pytestmark = pytest.mark.django_db


def clusters(*persons):
    links = dict(PersonLink.objects.filter(person__in=persons).values_list("person_id", "cluster"))
    return [links[p.pk] for p in persons]


def test_one_woman_written_three_ways_by_three_agencies_is_one_cluster(yoshiko):
    finished = run()
    assert finished.status == RunStatus.DONE and finished.records == PersonLink.objects.count()
    assert clusters(*yoshiko) == [yoshiko[0].pk] * 3  # the cluster is numbered by its smallest Person id


def test_twins_are_never_linked_automatically(twins):
    run()
    a, b = clusters(*twins)
    assert a != b
    link_a, link_b = PersonLink.objects.get(person=twins[0]), PersonLink.objects.get(person=twins[1])
    assert link_a.household_group == link_b.household_group  # but they live together
    pair = ReviewPair.objects.get(person_a=twins[0], person_b=twins[1])
    assert pair.twin and pair.explanation["twin_guard"]


def test_a_keep_apart_survives_the_next_run(coordinator, twins):
    run()
    actor = actor_for(coordinator)
    pair = ReviewPair.objects.get(person_a=twins[0], person_b=twins[1])
    services.review_pair_decide(actor=actor, pair=pair, action=DecisionAction.KEEP_APART, reason="母子手帳で双子と確認")
    run()
    assert len(set(clusters(*twins))) == 2
    assert not ReviewPair.objects.filter(person_a=twins[0], person_b=twins[1], decision__isnull=True).exists()


def test_a_manual_merge_survives_the_next_run(coordinator, twins):
    """The engine keeps twins apart; a coordinator who knows better merges, and the merge stays."""
    run()
    pair = ReviewPair.objects.get(person_a=twins[0], person_b=twins[1])
    services.review_pair_decide(actor=actor_for(coordinator), pair=pair, action=DecisionAction.MERGE,
                                reason="優斗は優太の誤記と本人に確認")
    assert len(set(clusters(*twins))) == 1
    run()
    assert len(set(clusters(*twins))) == 1


def test_a_manual_unmerge_stays_unmerged_and_can_be_undone(coordinator, yoshiko):
    run()
    actor = actor_for(coordinator)
    decisions = services.person_unmerge(actor=actor, person=yoshiko[2], reason="別人（同姓同名の隣人）と判明")
    assert len(decisions) == 2 and {d.action for d in decisions} == {DecisionAction.UNMERGE}
    a, b, c = clusters(*yoshiko)
    assert a == b != c
    run()
    a, b, c = clusters(*yoshiko)
    assert a == b != c
    services.persons_merge(actor=actor, person_a=yoshiko[0], person_b=yoshiko[2], reason="再確認の結果、同一人物")
    services.persons_merge(actor=actor, person_a=yoshiko[1], person_b=yoshiko[2], reason="再確認の結果、同一人物")
    run()
    assert len(set(clusters(*yoshiko))) == 1
    assert MergeDecision.objects.count() == 4  # history kept: every decision is still there


def test_unmerging_the_first_row_renumbers_the_rest(coordinator, yoshiko):
    run()
    services.person_unmerge(actor=actor_for(coordinator), person=yoshiko[0], reason="別人")
    assert clusters(*yoshiko) == [yoshiko[0].pk, yoshiko[1].pk, yoshiko[1].pk]


def test_decisions_cannot_be_changed_or_deleted(coordinator, twins):
    decision = services.persons_merge(actor=actor_for(coordinator), person_a=twins[1], person_b=twins[0], reason="確認")
    assert (decision.person_a_id, decision.person_b_id) == (twins[0].pk, twins[1].pk)
    with pytest.raises(PermissionError):
        decision.save()
    with pytest.raises(PermissionError):
        MergeDecision.objects.all().delete()
    with pytest.raises(PermissionError):
        MergeDecision.objects.update(reason="")


def test_a_decision_needs_a_reason_and_writes_nothing_without_one(coordinator, twins):
    run()
    pair = ReviewPair.objects.get(person_a=twins[0], person_b=twins[1])
    with pytest.raises(ValidationError) as error:
        services.review_pair_decide(actor=actor_for(coordinator), pair=pair, action=DecisionAction.MERGE, reason="  ")
    assert "理由" in str(error.value)
    assert not MergeDecision.objects.exists()
    assert len(set(clusters(*twins))) == 2


def test_archived_persons_are_left_out(own_agency, yoshiko):
    from django.utils import timezone

    gone = person(own_agency, "高橋 ヨシ子", "タカハシ ヨシコ", "1940-03-02", address="旭町1-2-3",
                  archived_at=timezone.now())
    run()
    assert not PersonLink.objects.filter(person=gone).exists()


def test_the_command_runs_the_task_now(yoshiko, capsys):
    call_command("link_persons")
    assert "名寄せが完了しました" in capsys.readouterr().out
    assert LinkageRun.objects.get().status == RunStatus.DONE


def test_a_run_over_no_persons_finishes(db):
    assert run().status == RunStatus.DONE


def test_a_second_run_while_one_is_running_is_refused_and_writes_nothing_but_its_skip(yoshiko):
    first = run()
    links = list(PersonLink.objects.values_list("person_id", "cluster", "run_id"))
    started = LinkageRun.objects.create()  # another process's run, still computing
    with pytest.raises(services.LinkageBusy) as refused:
        run()
    assert "名寄せはすでに実行中です" in refused.value.messages[0]
    skipped = LinkageRun.objects.get(status=RunStatus.SKIPPED)
    assert list(LinkageRun.objects.order_by("pk").values_list("pk", flat=True)) == [first.pk, started.pk, skipped.pk]
    assert list(PersonLink.objects.values_list("person_id", "cluster", "run_id")) == links
    with pytest.raises(CommandError, match="すでに実行中"):
        call_command("link_persons")


def test_the_database_lets_only_one_run_be_running(db):
    LinkageRun.objects.create()
    with pytest.raises(IntegrityError), transaction.atomic():
        LinkageRun.objects.create()
    LinkageRun.objects.create(status=RunStatus.DONE)  # finished runs are not limited


def test_a_run_left_running_by_a_stopped_worker_does_not_block_for_ever(yoshiko):
    stale = LinkageRun.objects.create(started_at=timezone.now() - services.STALE_AFTER - timedelta(minutes=1))
    finished = run()
    stale.refresh_from_db()
    assert finished.status == RunStatus.DONE
    assert stale.status == RunStatus.FAILED and stale.message.startswith("中断")
