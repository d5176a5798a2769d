"""Writes for 名寄せ: a linkage run, and the coordinator's decisions (merge, keep apart, unmerge).

A decision applies at once to the stored clusters, and every later run honours it (engine.Facts), so a
manual unmerge stays unmerged and a manual merge stays merged. Person rows themselves are never touched.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from functools import partial

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone

from tsunagu.core.bulk import insert_values
from tsunagu.core.heartbeat import Beating
from tsunagu.identity.linkage import indexed_keys
from tsunagu.identity.model import name_counts
from tsunagu.people.models import Person

from . import engine, queries
from .explain import as_json
from .models import (
    RUN_HEARTBEAT,
    RUN_STALE_AFTER,
    BlockingKey,
    DecisionAction,
    HouseholdGroup,
    LinkageRun,
    MergeDecision,
    NameTerm,
    NameTermKind,
    PersonLink,
    ReviewPair,
    RunStatus,
)

log = logging.getLogger(__name__)
MAX_REASON = 2000


# ---------------------------------------------------------------------------------------------------------
# The linkage run
# ---------------------------------------------------------------------------------------------------------


class LinkageBusy(ValidationError):
    """Another run is still running: this one did not start, and wrote nothing."""


HEARTBEAT, STALE_AFTER = RUN_HEARTBEAT, RUN_STALE_AFTER  # models: a run silent for minutes has lost its process
INTERRUPTED = "中断（実行していたプロセスが応答しなくなったため、失敗として扱いました）"


def linkage_runs_expire(now: dt.datetime | None = None) -> int:
    """Marks failed every running run whose heartbeat (or, before its first, its start) is older than STALE_AFTER."""
    now = now or timezone.now()
    silent = Q(heartbeat_at__lt=now - STALE_AFTER) | Q(heartbeat_at__isnull=True, started_at__lt=now - STALE_AFTER)
    return LinkageRun.objects.filter(silent, status=RunStatus.RUNNING).update(
        status=RunStatus.FAILED, finished_at=now, stage="", message=INTERRUPTED)


def _start() -> LinkageRun:
    """The new run, unless another is running. The database holds the rule (one row may be "running"), so two
    runs started at the same moment cannot both pass; a run whose process died is marked failed first
    (linkage_runs_expire), so it blocks nobody for more than minutes. A start refused is recorded as skipped."""
    now = timezone.now()
    linkage_runs_expire(now)
    try:
        with transaction.atomic():
            return LinkageRun.objects.create(started_at=now, heartbeat_at=now, stage="開始しています")
    except IntegrityError:
        running = LinkageRun.objects.filter(status=RunStatus.RUNNING).first()
        since = f"（{timezone.localtime(running.started_at):%Y-%m-%d %H:%M} 開始）" if running else ""
        message = f"名寄せはすでに実行中です{since}。終わってからもう一度実行してください。"
        LinkageRun.objects.create(started_at=now, finished_at=now, status=RunStatus.SKIPPED, message=message)
        raise LinkageBusy(message) from None


def _beat(pk: int) -> None:
    LinkageRun.objects.filter(pk=pk, status=RunStatus.RUNNING).update(heartbeat_at=timezone.now())


def _stage(run: LinkageRun, text: str, report: Callable[[str], None] | None) -> None:
    """Where the run has got to: on the run (the coordinator's page shows it) and to the caller (the command)."""
    LinkageRun.objects.filter(pk=run.pk, status=RunStatus.RUNNING).update(stage=text, heartbeat_at=timezone.now())
    if report:
        report(text)


def linkage_run(*, today: dt.date | None = None, report: Callable[[str], None] | None = None) -> LinkageRun:
    """Links every agency's persons and stores the result. A failure is recorded on the run, then raised;
    LinkageBusy when another run is running (recorded as a skipped run). `report` hears each stage."""
    run = _start()
    with Beating(partial(_beat, run.pk), every=HEARTBEAT.total_seconds(), name=f"linkage-run-{run.pk}", at_once=False):
        try:
            _stage(run, "記録を読み込んでいます", report)
            last_decision = MergeDecision.objects.aggregate(m=Max("id"))["m"] or 0
            facts = queries.linkage_facts()
            rows = queries.person_rows()
            _stage(run, f"照合しています（記録 {len(rows):,} 件）", report)
            outcome = engine.link(rows, facts, municipality=queries.municipality_name(),
                                  today=today or timezone.localdate())
            _stage(run, f"結果を保存しています（本人 {len(set(outcome.cluster_of.values())):,} 人）", report)
            _store(run, outcome, last_decision)
        except Exception as error:
            LinkageRun.objects.filter(pk=run.pk).update(status=RunStatus.FAILED, finished_at=timezone.now(), stage="",
                                                         message=str(error)[:2000])
            log.exception("linkage run %s failed", run.pk)
            raise
    return run


@transaction.atomic
def _store(run: LinkageRun, outcome: engine.Outcome, last_decision: int) -> None:
    now = timezone.now()
    PersonLink.objects.all().delete()
    PersonLink.objects.bulk_create(
        [PersonLink(person_id=pid, cluster=outcome.cluster_of[pid], household_group=outcome.household_of[pid],
                    run=run, updated_at=now) for pid in outcome.person_ids], batch_size=2000)
    HouseholdGroup.objects.all().delete()
    sizes = _household_sizes(outcome)
    HouseholdGroup.objects.bulk_create(
        [HouseholdGroup(key=key, run=run, persons=sizes[key], flags=sorted(flags), fields=sorted(fields))
         for key, (flags, fields) in outcome.household_flags.items()], batch_size=2000)
    ReviewPair.objects.filter(decision__isnull=True).delete()  # undecided pairs of earlier runs: recomputed now
    ReviewPair.objects.bulk_create([_review_pair(run, outcome, p) for p in outcome.review], batch_size=1000)
    # Decisions taken while this run was computing are applied on top, so none is lost.
    for decision in MergeDecision.objects.filter(id__gt=last_decision).order_by("id"):
        _apply(decision)
    run.status, run.finished_at, run.stage = RunStatus.DONE, timezone.now(), ""
    run.records, run.persons = len(outcome.person_ids), len(set(outcome.cluster_of.values()))
    run.households, run.review_pairs = len(outcome.household_flags), len(outcome.review)
    model = outcome.result.model
    names, readings = _store_intake_index(outcome)
    run.model_params = {"m": model.m, "u": model.u, "prior_weight": model.prior_weight, "names": names,
                        "readings": readings}
    run.save()


def _store_intake_index(outcome: engine.Outcome) -> tuple[int, int]:
    """The intake check's index (queries.candidates_for) replaces the previous run's, in the run's transaction:
    the blocking keys of the blocks within their rules' limits, how often each name and reading occurs, and the
    family names learnt. Returns the totals the frequencies divide by (model_params["names"], ["readings"]).

    Only the latest run's are kept: the check reads no other, and older ones would keep names nobody needs.
    DELETE rather than TRUNCATE: a check running meanwhile keeps reading the previous run's rows until commit."""
    records, person_ids = outcome.result.records, outcome.person_ids
    BlockingKey.objects.all().delete()
    insert_values(BlockingKey, ("rule", "key", "person_id"),
                  ((rule, key, person_ids[i]) for rule, key, i in indexed_keys(records)))
    NameTerm.objects.all().delete()
    names, readings = name_counts(records)
    families = outcome.result.families
    terms = [*((NameTermKind.NAME, names), (NameTermKind.READING, readings)),
             (NameTermKind.FAMILY_KANJI, dict.fromkeys(families.kanji, 0)),
             (NameTermKind.FAMILY_KANA, dict.fromkeys(families.kana, 0))]
    insert_values(NameTerm, ("kind", "value", "count"),
                  ((kind, value, count) for kind, counts in terms for value, count in counts.items()))
    return sum(names.values()), sum(readings.values())


def person_keys_forget(sender, instance: Person, raw: bool = False, **kwargs) -> None:
    """An archived person's blocking keys (her name, birth date, phone …) are deleted at once rather than kept until
    the next run; the check leaves out archived persons anyway (post_save of Person, linkage.apps). A person archived
    by a queryset's update() sends no signal: the next run drops her keys then."""
    if not raw and instance.archived_at is not None:
        BlockingKey.objects.filter(person_id=instance.pk).delete()


def _household_sizes(outcome: engine.Outcome) -> dict[int, int]:
    clusters: dict[int, set[int]] = {}
    for pid, key in outcome.household_of.items():
        clusters.setdefault(key, set()).add(outcome.cluster_of[pid])
    return {key: len(c) for key, c in clusters.items()}


def _review_pair(run: LinkageRun, outcome: engine.Outcome, pair) -> ReviewPair:
    a, b = outcome.person_ids[pair.a], outcome.person_ids[pair.b]
    first, second = (pair.a, pair.b) if a < b else (pair.b, pair.a)
    explanation = outcome.result.model.explain(outcome.result.records[first], outcome.result.records[second], pair.twin,
                                               pair.household_bonus)
    return ReviewPair(run=run, person_a_id=min(a, b), person_b_id=max(a, b), weight=explanation.total,
                      probability=explanation.probability, twin=pair.twin, explanation=as_json(explanation))


# ---------------------------------------------------------------------------------------------------------
# Decisions
# ---------------------------------------------------------------------------------------------------------


def _clean_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "理由を入力してください（例：生年月日と旧姓が一致、本人に確認済み）。"})
    if len(reason) > MAX_REASON:
        raise ValidationError({"reason": f"理由は{MAX_REASON:,}文字以内で入力してください。"})
    return reason


def _decide(actor, a: Person, b: Person, action: str, reason: str, explanation: dict | None = None) -> MergeDecision:
    """Records the decision and applies it; on a split, `a` is the row that leaves the cluster."""
    if a.pk == b.pk:
        raise ValidationError("同じ記録どうしは判断できません。")
    first, second = sorted((a.pk, b.pk))
    decision = MergeDecision.objects.create(
        person_a_id=first, person_b_id=second, action=action, reason=reason, decided_by=actor.staff,
        agency_id=actor.agency_id, explanation=explanation or {})
    _apply(decision, moving=a.pk)
    return decision


@transaction.atomic
def review_pair_decide(*, actor, pair: ReviewPair, action: str, reason: str) -> MergeDecision:
    """The coordinator's answer to a pair in the review queue: merge, or keep apart."""
    if action not in (DecisionAction.MERGE, DecisionAction.KEEP_APART):
        raise ValidationError("「同一人物として結合」か「別人として確定」を選んでください。")
    pair = ReviewPair.objects.select_for_update().get(pk=pair.pk)
    if pair.decision_id is not None:
        raise ValidationError("この組はすでに判断されています。画面を更新してください。")
    decision = _decide(actor, pair.person_a, pair.person_b, action, _clean_reason(reason), pair.explanation)
    ReviewPair.objects.filter(pk=pair.pk).update(decision=decision)
    return decision


@transaction.atomic
def persons_merge(*, actor, person_a: Person, person_b: Person, reason: str) -> MergeDecision:
    """Links two rows as one person (also used to undo an unmerge)."""
    return _decide(actor, person_a, person_b, DecisionAction.MERGE, _clean_reason(reason))


@transaction.atomic
def person_unmerge(*, actor, person: Person, reason: str) -> list[MergeDecision]:
    """Takes one row out of its cluster: recorded as 'not the same' against every other row of the cluster."""
    reason = _clean_reason(reason)
    link = PersonLink.objects.select_for_update().filter(person=person).first()
    others = [] if link is None else list(
        PersonLink.objects.filter(cluster=link.cluster).exclude(person=person).select_related("person"))
    if not others:
        raise ValidationError("この記録はほかの記録と結合されていません。")
    return [_decide(actor, person, other.person, DecisionAction.UNMERGE, reason) for other in others]


def _apply(decision: MergeDecision, moving: int | None = None) -> None:
    """Brings the stored clusters in line with one decision, without waiting for the next run."""
    links = {link.person_id: link for link in PersonLink.objects.filter(person_id__in=[decision.person_a_id,
                                                                                      decision.person_b_id])}
    if len(links) < 2:
        return  # a row the last run did not see; the next run applies the decision
    a, b = links[decision.person_a_id], links[decision.person_b_id]
    if decision.action == DecisionAction.MERGE and a.cluster != b.cluster:
        key = min(a.cluster, b.cluster)
        PersonLink.objects.filter(cluster__in=[a.cluster, b.cluster]).update(
            cluster=key, household_group=a.household_group if key == a.cluster else b.household_group,
            updated_at=timezone.now())
    elif decision.action != DecisionAction.MERGE and a.cluster == b.cluster:
        _split(a if moving == a.person_id else b)
    ReviewPair.objects.filter(person_a_id=decision.person_a_id, person_b_id=decision.person_b_id,
                              decision__isnull=True).update(decision=decision)


def _split(link: PersonLink) -> None:
    """Moves one row into a cluster of its own; the rest keep (or renumber to) their smallest id."""
    rest = PersonLink.objects.filter(cluster=link.cluster).exclude(pk=link.pk)
    new_key = min(rest.values_list("person_id", flat=True))
    rest.update(cluster=new_key, updated_at=timezone.now())
    PersonLink.objects.filter(pk=link.pk).update(cluster=link.person_id, updated_at=timezone.now())


@transaction.atomic
def person_rejoin(*, actor, person: Person, cluster: int, reason: str) -> list[MergeDecision]:
    """Undoes an unmerge or a keep-apart: the row is one person with every row of `cluster` again."""
    reason = _clean_reason(reason)
    members = list(Person.objects.filter(link__cluster=cluster).exclude(pk=person.pk).order_by("pk"))
    if not members:
        raise ValidationError("結合先の本人が見つかりません。画面を更新してください。")
    _, cannot = queries.effective_decisions()
    separated = [m for m in members if engine.pair_of(m.pk, person.pk) in cannot]
    # One merge with the cluster's first row links it; merges with the rows it was kept apart from lift those.
    targets = separated if members[0] in separated else [members[0], *separated]
    return [_decide(actor, person, m, DecisionAction.MERGE, reason) for m in targets]
