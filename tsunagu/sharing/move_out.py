"""転出・転入: a case handed to another municipality's Tsunagu as a bundle in a versioned JSON schema
(docs/TRANSFER_SCHEMA.md, tsunagu/sharing/schemas/move-out-1.0.json).

The bundle carries only what the person's consent to the hand-over allows — her, the household members who
consented too, the case, its plan in force, its open referrals and planned follow-ups — and says, for every
kind of row it leaves out, how many and why. Every row it carries is logged as a disclosure (DISCLOSE). The
receiving Tsunagu (`tsunagu transfer import FILE`) checks the version and every reference, and records it as a
転入 for its coordinator (`MoveIn`), or writes nothing."""

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import jsonschema
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from tsunagu.agencies.actor import Actor
from tsunagu.agencies.models import Municipality
from tsunagu.audit.models import SharingBasis
from tsunagu.cases.models import Case, CaseNote, Consultation, PlanStatus, Referral, ReferralStatus, SupportPlan
from tsunagu.followups.models import FollowUp, FollowUpStatus
from tsunagu.people.models import HouseholdMember, Person

from . import policy
from .models import ConsentMethod, MoveIn, MoveOut

SCHEMA = "tsunagu-move-out"
SCHEMA_VERSION = "1.0"
SUPPORTED_VERSIONS = {"1.0": Path(__file__).parent / "schemas" / "move-out-1.0.json"}
OPEN_REFERRALS = (ReferralStatus.REQUESTED, ReferralStatus.ACCEPTED, ReferralStatus.IN_PROGRESS)


def _d(day: date | None) -> str | None:
    return day.isoformat() if day else None


def household_members(case: Case, today: date) -> list[HouseholdMember]:
    """The members who could go with the case: of its household, or of the households its person lives in."""
    rows = HouseholdMember.objects.filter(left_on__isnull=True, person__archived_at__isnull=True).select_related("person")
    if case.household_id:
        return list(rows.filter(household_id=case.household_id).order_by("pk"))
    subject = case.person_id or 0
    households = HouseholdMember.objects.filter(person_id=subject, left_on__isnull=True).values("household_id")
    return list(rows.filter(household_id__in=households).exclude(person_id=subject).order_by("pk"))


@dataclass
class Export:
    bundle: dict[str, Any]
    rows: list[Model]  # every row the bundle carries, for the disclosure log


def build(*, actor: Actor, case: Case, to_municipality: str, consent_on: date, consent_method: str,
          member_ids: list[int]) -> Export:
    """The bundle of `case` (which the actor's agency leads), as of now. Only rows the actor may see are read."""
    today = timezone.localdate()
    if consent_on > today:
        raise ValidationError("本人同意の日: 未来の日付は記録できません。")
    if not to_municipality.strip():
        raise ValidationError("転出先の市区町村を入力してください。")
    members = household_members(case, today)
    chosen = [m for m in members if m.person_id in set(member_ids)]
    subject = case.person
    if subject is None and not chosen:
        raise ValidationError("世帯のケースです。引継ぎに同意した世帯員を一人以上選んでください。")
    persons = ([subject] if subject is not None else []) + [m.person for m in chosen]
    persons = policy.checked_rows(actor, persons)  # only persons the exporter itself may see
    refs = {p.pk: f"p{i + 1}" for i, p in enumerate(persons)}
    relation = {m.person_id: m.get_relation_to_head_display() for m in members}
    consent = f"本人同意（{ConsentMethod(consent_method).label}、{consent_on.isoformat()}）"
    omitted: list[dict[str, Any]] = []

    def omit(what: str, count: int, reason: str) -> None:
        if count:
            omitted.append({"what": what, "count": count, "reason": reason})

    left_out = [m for m in members if m.person_id not in refs]
    omit("世帯員", len(left_out), "転出先への引継ぎに本人が同意していない（同意のない世帯員の情報は提供しない）")
    people = [{"ref": refs[p.pk], "role": "本人" if p == subject else "世帯員", "name": p.name, "kana": p.kana,
               "birth_date": _d(p.birth_date), "sex": p.sex, "address": p.address, "phone": p.phone,
               "relation_to_head": relation.get(p.pk, ""), "basis": consent} for p in persons]

    rows: list[Model] = [*persons, case]
    plan = (policy.within_case(SupportPlan.objects.all(), actor, case).exclude(status=PlanStatus.SUPERSEDED)
            .order_by("-revision").first())
    plan_out = None
    if plan is not None:
        actions = list(policy.named_rows(plan.actions.all(), actor).prefetch_related("members").select_related("agency"))
        carried = [a for a in actions if {m.pk for m in a.members.all()} <= refs.keys()]
        omit("支援プランの支援内容", len(actions) - len(carried), "同意のない世帯員を対象とする支援内容")
        plan_out = {"revision": plan.revision, "status": plan.status, "goals": plan.goals,
                    "person_wishes": plan.person_wishes, "review_on": _d(plan.review_on),
                    "agreed_on": _d(plan.agreed_on),
                    "actions": [{"description": a.description, "agency": a.agency.name if a.agency else "",
                                 "resource_name": a.resource_name, "due_on": _d(a.due_on), "done_on": _d(a.done_on),
                                 "member_refs": [refs[m.pk] for m in a.members.all()]} for a in carried]}
        rows.append(plan)
    referrals = list(policy.visible(Referral.objects.filter(case=case, status__in=OPEN_REFERRALS), actor)
                     .select_related("to_agency", "from_agency").order_by("sent_at", "pk"))
    carried_refs = [r for r in referrals if r.person_id is None or r.person_id in refs]
    omit("つなぎ（依頼中・対応中）", len(referrals) - len(carried_refs), "同意のない世帯員についてのつなぎ")
    omit("つなぎ（終了したもの）", Referral.objects.filter(case=case).exclude(status__in=OPEN_REFERRALS).count(),
         "終了したつなぎは引き継がない（転出元に記録が残る）")
    followups = list(FollowUp.objects.filter(case=case, status=FollowUpStatus.PLANNED).order_by("due_on", "pk"))
    omit("経過記録", policy.within_case(CaseNote.objects.all(), actor, case).count(),
         "経過記録は引継ぎの項目に含めない（必要なら本人同意のうえ転出元に照会）")
    omit("相談受付の記録", Consultation.objects.filter(case=case).count(), "相談受付票は転出元の記録として残す")
    omit("要保護児童対策地域協議会の記録", CaseNote.objects.filter(case=case).exclude(compartment="").count(),
         "協議会の構成員の守秘義務（児童福祉法第25条の5）: 協議会の外へは提供しない")
    rows += carried_refs
    municipality = Municipality.objects.order_by("pk").first()
    bundle: dict[str, Any] = {
        "schema": SCHEMA, "version": SCHEMA_VERSION, "exported_at": timezone.now().isoformat(),
        "from": {"municipality": municipality.name if municipality else "", "agency": actor.agency.name if actor.agency else ""},
        "to": {"municipality": to_municipality.strip()},
        "consent": {"on": consent_on.isoformat(), "method": consent_method, "label": consent},
        "persons": people,
        "case": {"title": case.title, "summary": case.summary, "status": case.status, "opened_on": _d(case.opened_on),
                 "subject_ref": refs.get(case.person_id) if case.person_id else None,
                 "household": ({"name": case.household.name, "address": case.household.address,
                                "member_refs": [refs[m.person_id] for m in chosen if m.person_id in refs]}
                               if case.household_id and case.household else None)},
        "plan": plan_out,
        "referrals": [{"to_agency": r.to_agency.name, "person_ref": refs.get(r.person_id) if r.person_id else None,
                       "reason": r.reason, "request": r.request, "status": r.status, "due_on": _d(r.due_on),
                       "sent_on": _d(timezone.localtime(r.sent_at).date())} for r in carried_refs],
        "followups": [{"due_on": _d(f.due_on), "method": f.method, "note": f.note} for f in followups],
        "omitted": omitted,
    }
    return Export(bundle, rows)


def encode(bundle: dict[str, Any]) -> bytes:
    return json.dumps(bundle, ensure_ascii=False, indent=2, sort_keys=True).encode()


@transaction.atomic
def move_out_record(*, actor: Actor, case: Case, to_municipality: str, consent_on: date, consent_method: str,
                    member_ids: list[int], path: str = "") -> tuple[MoveOut, bytes]:
    """転出: builds the bundle, records it and logs each row it carries as a disclosure on the consent."""
    export = build(actor=actor, case=case, to_municipality=to_municipality, consent_on=consent_on,
                   consent_method=consent_method, member_ids=member_ids)
    data = encode(export.bundle)
    if actor.agency_id is None:
        raise ValidationError("機関を選んでから出力してください。")
    row = MoveOut.objects.create(case=case, to_municipality=to_municipality.strip(), consent_on=consent_on,
                                 consent_method=consent_method, agency_id=actor.agency_id, staff=actor.staff,
                                 schema_version=SCHEMA_VERSION, sha256=hashlib.sha256(data).hexdigest())
    row.members.set([p for p in export.rows if isinstance(p, Person) and p.pk != case.person_id])
    policy.external_disclosure_logged(actor, export.rows, basis=SharingBasis.CONSENT,
                                      detail=f"転出先への提供 → {row.to_municipality}（{export.bundle['consent']['label']}）",
                                      path=path)
    return row, data


# ----------------------------------------------------------------------------------------------------------
# 転入
# ----------------------------------------------------------------------------------------------------------


class BundleRefused(ValueError):
    """A bundle that cannot be taken in: the message says why, in Japanese."""


def check(data: bytes) -> dict[str, Any]:
    """The bundle, if it can be taken in: JSON, of a known schema and version, valid against that version's
    JSON Schema, and every reference (`subject_ref`, `member_refs`, `person_ref`) naming a person it carries."""
    try:
        bundle = json.loads(data.decode())
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BundleRefused(f"引継ぎファイルを読めません（JSON ではありません: {error}）。") from None
    if not isinstance(bundle, dict) or bundle.get("schema") != SCHEMA:
        raise BundleRefused(f"引継ぎファイルではありません（schema が「{SCHEMA}」ではありません）。")
    version = bundle.get("version")
    if version not in SUPPORTED_VERSIONS:
        raise BundleRefused(f"この引継ぎファイルの版「{version}」には対応していません。"
                            f"対応している版: {'、'.join(sorted(SUPPORTED_VERSIONS))}。転出元に確認してください。")
    schema = json.loads(SUPPORTED_VERSIONS[version].read_text())
    problem = jsonschema.exceptions.best_match(jsonschema.Draft202012Validator(schema).iter_errors(bundle))
    if problem is not None:
        where = "/".join(str(p) for p in problem.absolute_path) or "（全体）"
        raise BundleRefused(f"引継ぎファイルの項目「{where}」が様式に合いません: {problem.message}")
    refs = [p["ref"] for p in bundle["persons"]]
    if len(set(refs)) != len(refs):
        raise BundleRefused("引継ぎファイルの persons に同じ ref が二度あります。")
    known = set(refs)
    named = [("case/subject_ref", bundle["case"].get("subject_ref"))]
    named += [("case/household/member_refs", r) for r in (bundle["case"].get("household") or {}).get("member_refs", [])]
    named += [(f"referrals/{i}/person_ref", r["person_ref"]) for i, r in enumerate(bundle["referrals"])]
    named += [(f"plan/actions/{i}/member_refs", m) for i, a in enumerate((bundle.get("plan") or {}).get("actions", []))
              for m in a["member_refs"]]
    broken = [f"{where} = {ref}" for where, ref in named if ref is not None and ref not in known]
    if broken:
        raise BundleRefused("引継ぎファイルの参照が壊れています（persons にない人を指しています）: " + "、".join(broken))
    if bundle["case"].get("subject_ref") is None and not (bundle["case"].get("household") or {}).get("member_refs"):
        raise BundleRefused("引継ぎファイルの case に本人（subject_ref）も世帯員（household/member_refs）もありません。")
    return bundle


@transaction.atomic
def move_in_receive(data: bytes) -> MoveIn:
    """転入: the bundle recorded for the coordinator, or BundleRefused and nothing written."""
    bundle = check(data)
    digest = hashlib.sha256(data).hexdigest()
    if MoveIn.objects.filter(sha256=digest).exists():
        raise BundleRefused("この引継ぎファイルはすでに取り込まれています。")
    persons = {p["ref"]: p for p in bundle["persons"]}
    first = persons.get(bundle["case"].get("subject_ref") or "") or next(iter(persons.values()))
    return MoveIn.objects.create(schema_version=bundle["version"], from_municipality=bundle["from"]["municipality"],
                                 from_agency=bundle["from"]["agency"], to_municipality=bundle["to"]["municipality"],
                                 person_name=first["name"], person_kana=first.get("kana", ""), bundle=bundle,
                                 sha256=digest)
