"""記入済みの帳票: a recorded consultation's 相談受付・申込票 and a plan's プラン兼事業等利用申込書, filled from the records,
item by item in docs/NATIONAL_FORMS.md's order (`rules.national_forms`), with the 国への報告事項 marked.

Plain functions over rows the caller has already read through `sharing.policy` (cases.views): nothing here reads
the database beyond the rows it is given, and nothing decides who may see what. Which version of the 申込票 applies
(本人同意あり / なし) follows the consent records (`consultation_version`): the form has no consent field of its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils import timezone

from tsunagu.people.models import Person
from tsunagu.rules.national_forms import FormItem, NationalForm, form
from tsunagu.rules.wareki import wareki_short

from .models import (
    Assessment,
    Case,
    CaseStatus,
    Concern,
    Consultation,
    Consulter,
    Outcome,
    PlanReview,
    Route,
    Screening,
    SupportPlan,
    Urgency,
)

CONSENTED = "consultation_consented"
UNCONSENTED = "consultation_unconsented"
NO_CONSENT_RECORD = "同意の記録なし"
REFUSED = "不同意"

# The 申込票's printed choices (S3) for Tsunagu's concerns; the concerns the form does not list are its 「その他」.
CONCERN_CHOICES = {
    Concern.HEALTH_DISABILITY: "病気や健康、障害のこと", Concern.HOUSING: "住まいについて",
    Concern.INCOME: "収入・生活費のこと", Concern.RENT_LOAN: "家賃やローンの支払いのこと",
    Concern.ARREARS: "税金や公共料金等の支払いについて", Concern.DEBT: "債務について",
    Concern.JOB_SEARCH: "仕事探し、就職について", Concern.WORKPLACE: "仕事上の不安やトラブル",
    Concern.COMMUNITY: "地域との関係について", Concern.FAMILY: "家族との関係について", Concern.CHILDCARE: "子育てのこと",
    Concern.CARE: "介護のこと", Concern.WITHDRAWAL: "ひきこもり・不登校", Concern.ABUSE: "DV・虐待",
    Concern.FOOD: "食べるものがない",
}
OTHER_CONCERN = "その他"
URGENCY_CHOICES = {Urgency.HIGH: "高", Urgency.MEDIUM: "中", Urgency.LOW: "低"}
OUTCOME_CHOICES = {Outcome.INFO_ONLY: "相談・情報提供のみで終了", Outcome.CONTINUE: "継続支援（アセスメントへ）",
                   Outcome.REFERRAL: "他制度・他機関へのつなぎ"}
SEX_CHOICES = {"M": "男性", "F": "女性"}
TALL_ITEMS = {"wish", "situation", "consent_missing_reason", "actions", "issues", "goal_long", "goal_short",
              "concerns", "background", "household_members", "member_goals", "genogram", "agencies"}


@dataclass(frozen=True)
class ConsentStanding:
    """What the consent records say of the consultation's subjects (its person, or the household's members the
    reader sees): someone's consent in force, and the refusals in force with their reasons."""

    consented: bool = False
    refusal_reasons: tuple[str, ...] = ()

    @property
    def refused(self) -> bool:
        return bool(self.refusal_reasons)


def consultation_version(standing: ConsentStanding) -> str:
    """本人同意あり when a consent of the subject is in force and no refusal is; otherwise 本人同意なし (a refusal of
    any member outweighs another member's consent: the form that asks about a 支援会議 is the safe one)."""
    return CONSENTED if standing.consented and not standing.refused else UNCONSENTED


@dataclass
class FilledItem:
    item: FormItem
    text: str = ""
    day: date | None = None
    lines: Sequence[str] = ()
    chosen: Sequence[str] = ()  # the choices ticked
    primary: str = ""  # the choice marked ◎
    tall: bool = False
    statement: bool = False

    @property
    def choices(self) -> list[tuple[str, str]]:
        """Each printed choice with its mark: ◎ the first concern, ■ ticked, □ not."""
        return [(("◎" if c == self.primary else "■" if c in self.chosen else "□"), c) for c in self.item.choices]


@dataclass
class FilledSection:
    title: str
    items: list[FilledItem] = field(default_factory=list)


def _sections(national_form: NationalForm, values: Mapping[str, dict[str, Any]]) -> list[FilledSection]:
    sections: list[FilledSection] = []
    for section in national_form.sections:
        filled = FilledSection(section.title)
        for item in section.items:
            filled.items.append(FilledItem(item, tall=item.key in TALL_ITEMS, statement=len(item.label) >= 40,
                                           **values.get(item.key, {})))
        sections.append(filled)
    return sections


def _concerns(concerns: Iterable[str], primary: str) -> dict[str, Any]:
    chosen = [CONCERN_CHOICES.get(Concern(c), OTHER_CONCERN) if c in Concern.values else OTHER_CONCERN
              for c in concerns]
    first = CONCERN_CHOICES.get(Concern(primary), OTHER_CONCERN) if primary in Concern.values else ""
    others = [Concern(c).label for c in concerns if c in Concern.values and Concern(c) not in CONCERN_CHOICES]
    return {"chosen": chosen, "primary": first, "text": "その他: " + "、".join(others) if others else ""}


@dataclass(frozen=True)
class MemberRow:
    """A household member the reader sees, with her own concerns of this consultation (世帯の一人ひとり)."""

    name: str
    concerns: Sequence[str]


def consultation_sheet(consultation: Consultation, *, standing: ConsentStanding, members: Sequence[MemberRow] = (),
                       referred_to: Sequence[str] = ()) -> tuple[NationalForm, list[FilledSection]]:
    """The 申込票 of a recorded consultation in the version its consent records choose, filled item by item."""
    national_form = form(consultation_version(standing))
    person, household = consultation.person, consultation.household
    values: dict[str, dict[str, Any]] = {
        "id": {"text": str(consultation.pk)},
        "received_on": {"day": consultation.received_on},
        "received_by": {"text": consultation.staff.name},
        "consulter_name": {"text": consultation.consulter_name},
        "consulter_relation": {"text": consultation.get_consulter_display()},
        "concerns": {**_concerns(consultation.concerns, consultation.primary_concern),
                     "lines": [f"{m.name}: {'、'.join(m.concerns)}" for m in members]},
        "wish": {"text": consultation.main_complaint},
        "situation": {"text": consultation.main_complaint,
                      "lines": [f"初期対応: {consultation.first_response}"] if consultation.first_response else []},
        "route": {"chosen": [Route(consultation.route).label]} if consultation.route in Route.values else {},
        "urgency": {"chosen": [URGENCY_CHOICES[Urgency(consultation.urgency)]]},
        "outcome": {"chosen": [OUTCOME_CHOICES[Outcome(consultation.outcome)]]},
        "referred_to": {"text": "、".join(referred_to)},
        "consent_state": {"chosen": [REFUSED if standing.refused else NO_CONSENT_RECORD]},
        "consent_missing_reason": {"lines": list(standing.refusal_reasons)},
    }
    if person is not None:
        values.update({
            "kana": {"text": person.kana}, "name": {"text": person.name},
            "sex": {"chosen": [SEX_CHOICES[person.sex]] if person.sex in SEX_CHOICES else []},
            "birth_date": {"day": person.birth_date,
                           "text": f"（{_age(person.birth_date, consultation.received_on)}歳）" if person.birth_date else ""},
            "address": {"text": person.address or (household.address if household else "")},
            "phone": {"text": person.phone},
        })
    elif household is not None:
        values.update({"name": {"text": household.name}, "address": {"text": household.address}})
    return national_form, _sections(national_form, values)


def _age(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


@dataclass(frozen=True)
class ActionRow:
    description: str
    members: Sequence[str]
    agency: str
    resource: str
    due_on: date | None


def plan_sheet(plan: SupportPlan, *, actions: Sequence[ActionRow],
               review: PlanReview | None = None) -> tuple[NationalForm, list[FilledSection]]:
    """The プラン兼事業等利用申込書 of a plan, filled item by item; its 評価 from the plan's review when one is given."""
    national_form = form("plan_application")
    case = plan.case
    subject = case.person.name if case.person is not None else case.household.name if case.household else ""
    values: dict[str, dict[str, Any]] = {
        "id": {"text": str(plan.pk)},
        "name": {"text": subject},
        "planned_on": {"day": timezone.localdate(plan.created_at)},
        "plan_kind": {"chosen": ["初回" if plan.revision == 1 else "再プラン"],
                      "text": f"第{plan.revision}版"},
        "goal_long": {"text": plan.person_wishes},
        "goal_short": {"text": plan.goals},
        "issues": {"text": case.title},
        "actions": {"lines": [_action_line(a) for a in actions]},
        "review_on": {"day": plan.review_on},
        "agreed_on": {"day": plan.agreed_on},
        "signature": {"text": plan.agreed_by},
    }
    values.update(plan_employment_values(plan))
    if review is not None:
        values.update(review_values(review))
    return national_form, _sections(national_form, values)


def plan_employment_values(plan: SupportPlan) -> dict[str, dict[str, Any]]:
    """The plan's own 国への報告事項 beyond its dates."""
    return {"employment_support": {"chosen": ["対象" if plan.employment_support else "対象外"]}}


def review_values(review: PlanReview) -> dict[str, dict[str, Any]]:
    """The 評価 of the plan's latest review."""
    return {
        "reviewed_on": {"day": review.reviewed_on, "text": review.note},
        "employed": {"chosen": ["就労した" if review.employed else "しない"]},
        "income_increased": {"chosen": ["増収した" if review.income_increased else "しない"]},
        "improved": {"chosen": ["見られた" if review.improved else "見られない"]},
    }


def _action_line(action: ActionRow) -> str:
    who = f"（対象: {'、'.join(action.members)}）" if action.members else ""
    by = "・".join(part for part in (action.agency, action.resource) if part)
    due = f" 期日 {wareki_short(action.due_on)}" if action.due_on else ""
    return f"{action.description}{who}{' — ' + by if by else ''}{due}"


# ---- インテーク・アセスメントシート (per person) ----

SCREENING_CHOICES = {Screening.INFO_ONLY: "相談・情報提供のみで終了", Screening.REFERRAL: "他制度・他機関へのつなぎ",
                     Screening.CONTINUE: "継続支援（プラン作成へ）"}
# A consultation's 結果 read as the screening when the assessment has not recorded one.
SCREENING_OF_OUTCOME = {Outcome.INFO_ONLY: Screening.INFO_ONLY, Outcome.REFERRAL: Screening.REFERRAL,
                        Outcome.CONTINUE: Screening.CONTINUE}
DEBT_CONCERNS = {Concern.DEBT, Concern.ARREARS, Concern.RENT_LOAN}


@dataclass(frozen=True)
class HouseholdRow:
    """A household member the reader sees: name, relation to the head, age on the day of the sheet."""

    name: str
    relation: str
    age: int | None

    def __str__(self) -> str:
        return "・".join(p for p in (self.name, self.relation, f"{self.age}歳" if self.age is not None else "") if p)


def intake_assessment_sheet(person: Person, *, case: Case, assessment: Assessment | None,
                            consultation: Consultation | None, concerns: Sequence[str],
                            household: Sequence[HouseholdRow] = (), plan: SupportPlan | None = None,
                            on: date | None = None) -> tuple[NationalForm, list[FilledSection]]:
    """The インテーク・アセスメントシート of `person` (本人) on `case`: her identity from her record, the consultation
    that opened the case (受付日, 主訴, the screening it implies), her latest assessment's areas, screening and
    就労支援の対象 (else the plan's), and her own concerns (世帯の一人ひとり) — all rows the caller read through the
    policy."""
    national_form = form("intake_assessment")
    areas = assessment.areas if assessment is not None else {}
    on = on or (assessment.assessed_on if assessment is not None else timezone.localdate())
    screening = assessment.screening if assessment is not None and assessment.screening else ""
    if not screening and consultation is not None:
        screening = SCREENING_OF_OUTCOME.get(Outcome(consultation.outcome), "")
    employment = assessment.employment_support if assessment is not None else None
    if employment is None and plan is not None:
        employment = plan.employment_support
    primary = consultation.primary_concern if consultation is not None and consultation.person_id == person.pk else ""
    debts = [Concern(c).label for c in concerns if c in Concern.values and Concern(c) in DEBT_CONCERNS]
    values: dict[str, dict[str, Any]] = {
        "id": {"text": f"{case.pk}-{person.pk}"},
        "name": {"text": person.name}, "kana": {"text": person.kana},
        "sex": {"chosen": [SEX_CHOICES[person.sex]] if person.sex in SEX_CHOICES else []},
        "birth_date": {"day": person.birth_date,
                       "text": f"（{_age(person.birth_date, on)}歳）" if person.birth_date else ""},
        "address": {"text": person.address or (case.household.address if case.household else "")},
        "phone": {"text": person.phone},
        "received_on": {"day": consultation.received_on if consultation is not None else case.opened_on},
        "household_members": {"lines": [str(row) for row in household]},
        "background": {"text": consultation.main_complaint if consultation is not None else case.title,
                       "lines": [f"総合所見: {assessment.summary}"] if assessment is not None and assessment.summary
                       else []},
        "work": {"text": areas.get("work", "")},
        "housing": {"text": areas.get("housing", "")},
        "income": {"text": areas.get("income", "")},
        "debt": {"text": "、".join(debts)},
        "health": {"text": areas.get("health", "")},
        "relations": {"lines": [areas[k] for k in ("family", "social") if areas.get(k)]},
        "concerns": _concerns(concerns, primary),
        "strengths": {"text": areas.get("strengths", "")},
        "screening": {"chosen": [SCREENING_CHOICES[Screening(screening)]]} if screening else {},
        "employment_support": {"chosen": ["対象" if employment else "対象外"]} if employment is not None else {},
    }
    return national_form, _sections(national_form, values)


# ---- 一覧の帳票: 支援経過記録シート（出力用：経過一覧） and 支援ケース一覧 ----

# 支援ケース一覧's 状況 (its printed choices) for Tsunagu's case status.
CASE_STATUS_CHOICES = {
    CaseStatus.INTAKE: "スクリーニング", CaseStatus.ASSESSMENT: "アセスメント", CaseStatus.PLANNING: "プラン作成済",
    CaseStatus.SUPPORT: "支援中", CaseStatus.MONITORING: "支援中", CaseStatus.WATCHING: "終結", CaseStatus.CLOSED: "終結",
}

ListCell = str | date | None


@dataclass
class ListSheet:
    """A form printed as a list: its heading items (`heading`, each with its value) and one line per record under
    the columns of its 一覧 section. PDF and Excel are drawn from the same sheet."""

    form: NationalForm
    heading: list[tuple[FormItem, str]]
    columns: list[FormItem]
    rows: list[list[ListCell]]

    @property
    def title(self) -> str:
        return self.form.title


def _list_sheet(key: str, heading: Mapping[str, str], rows: list[dict[str, ListCell]]) -> ListSheet:
    national_form = form(key)
    heads = [item for item in national_form.items if item.section != "一覧"]
    columns = [item for item in national_form.items if item.section == "一覧"]
    return ListSheet(national_form, [(item, heading.get(item.key, "")) for item in heads], columns,
                     [[row.get(item.key) for item in columns] for row in rows])


@dataclass(frozen=True)
class NoteRow:
    """A 経過記録 the reader may read (through the policy), with the members it names."""

    written_on: date
    kind: str
    body: str
    members: Sequence[str]
    staff: str
    agency: str


def progress_list(case: Case, notes: Sequence[NoteRow]) -> ListSheet:
    """支援経過記録シート（出力用：経過一覧） of a case: one line per note, oldest first."""
    subject = case.person.name if case.person is not None else case.household.name if case.household else ""
    rows: list[dict[str, ListCell]] = [{
        "recorded_on": n.written_on, "method": n.kind or "記録",
        "body": (f"（{'、'.join(n.members)}）" if n.members else "") + n.body,
        "recorded_by": f"{n.staff}（{n.agency}）"} for n in notes]
    return _list_sheet("progress_list", {"id": str(case.pk), "name": subject}, rows)


@dataclass(frozen=True)
class CaseRow:
    """A case of the agency's 支援ケース一覧, as read through the policy."""

    case: Case
    received_on: date | None
    planned_on: date | None
    review_on: date | None


def case_list(rows: Sequence[CaseRow]) -> ListSheet:
    """支援ケース一覧: one line per case, with what the 支援状況調査 counts (受付日, プラン作成日)."""
    lines: list[dict[str, ListCell]] = []
    for row in rows:
        case = row.case
        worker = case.worker.name if case.worker is not None else ""
        lines.append({
            "id": str(case.pk), "name": str(case.subject),
            "received_on": row.received_on or case.opened_on,
            "status": CASE_STATUS_CHOICES.get(CaseStatus(case.status), case.get_status_display()),
            "lead_agency": "・".join(p for p in (case.lead_agency.name, worker) if p),
            "planned_on": row.planned_on, "review_on": row.review_on, "closed_on": case.closed_on})
    return _list_sheet("case_list", {}, lines)


# ---- 多機関協働 (重層的支援体制整備事業): インテークシート, アセスメントシート 1〜4, プラン兼利用申込書, per household case ----

CONSULTER_CHOICES = {Consulter.SELF: "本人", Consulter.FAMILY: "家族", Consulter.NEIGHBOUR: "近隣",
                     Consulter.AGENCY: "関係機関"}
CONSENT_GIVEN, CONSENT_NONE, CONSENT_REFUSED = "同意あり", "同意の記録なし", "不同意"
MEETING_CHOICES = ("重層的支援会議", "支援会議", "不要")


@dataclass(frozen=True)
class MemberFacts:
    """What a household case's sheet says of one member the reader sees (世帯の一人ひとり): her row, her own concerns
    (codes) and their 分野 (labels), her consent standing, and her latest assessment on the case."""

    row: HouseholdRow
    birth_date: date | None
    concerns: Sequence[str]
    fields: Sequence[str]
    consent: str  # CONSENT_GIVEN / CONSENT_NONE / CONSENT_REFUSED
    assessment: Assessment | None = None


def _household_text(case: Case) -> str:
    household = case.household
    return f"{household.name}（{household.address}）" if household is not None and household.address else (
        household.name if household is not None else "")


def _concern_names(codes: Iterable[str]) -> str:
    return "、".join(Concern(c).label for c in codes if c in Concern.values)


def multiagency_intake(case: Case, *, consultation: Consultation | None,
                       members: Sequence[MemberFacts]) -> tuple[NationalForm, list[FilledSection]]:
    """インテークシート of a household case: the consultation that opened it, the household, its members' 分野 and
    each member's consent standing (from the consent records: the sheet has no consent field of its own)."""
    national_form = form("multiagency_intake")
    fields = sorted({f for m in members for f in m.fields})
    values: dict[str, dict[str, Any]] = {
        "received_on": {"day": consultation.received_on if consultation is not None else case.opened_on},
        "household": {"text": _household_text(case)},
        "person": {"lines": [f"{m.row.name}（{wareki_short(m.birth_date)}生）" if m.birth_date else m.row.name
                             for m in members]},
        "main_complaint": {"text": consultation.main_complaint if consultation is not None else case.title},
        "fields": {"chosen": fields},
        "consent_state": {"chosen": sorted({m.consent for m in members}),
                          "lines": [f"{m.row.name}: {m.consent}" for m in members]},
    }
    if consultation is not None:
        values.update({
            "agency": {"text": f"{consultation.agency.name}・{consultation.staff.name}"},
            "route": {"chosen": [Route(consultation.route).label]} if consultation.route in Route.values else {},
            "consulter": {"chosen": [CONSULTER_CHOICES[Consulter(consultation.consulter)]]}
            if consultation.consulter in CONSULTER_CHOICES else {"text": consultation.get_consulter_display()},
            "urgency": {"chosen": [URGENCY_CHOICES[Urgency(consultation.urgency)]]},
        })
    return national_form, _sections(national_form, values)


def multiagency_assessment(case: Case, *, members: Sequence[MemberFacts], agencies: Sequence[str],
                           plan: SupportPlan | None, meeting: str) -> tuple[NationalForm, list[FilledSection]]:
    """アセスメントシート 1〜4 of a household case: the household and its members, each member's concerns and the 分野
    they make (複合課題), the agencies around it, each member's strengths and findings, the plan's direction and the
    meeting that takes it up (`meeting`: one of MEETING_CHOICES)."""
    national_form = form("multiagency_assessment")
    chosen = list(dict.fromkeys(CONCERN_CHOICES.get(Concern(c), OTHER_CONCERN)
                                for m in members for c in m.concerns if c in Concern.values))
    values: dict[str, dict[str, Any]] = {
        "household": {"text": _household_text(case)},
        "members": {"lines": [str(m.row) for m in members]},
        "member_concerns": {"chosen": chosen, "lines": [f"{m.row.name}: {_concern_names(m.concerns)}"
                                                        for m in members if m.concerns]},
        "fields": {"chosen": sorted({f for m in members for f in m.fields})},
        "agencies": {"lines": list(agencies)},
        "strengths": {"lines": [f"{m.row.name}: {m.assessment.areas['strengths']}" for m in members
                                if m.assessment is not None and m.assessment.areas.get("strengths")]},
        "summary": {"lines": [f"{m.row.name}: {m.assessment.summary}" for m in members
                              if m.assessment is not None and m.assessment.summary]},
        "direction": {"text": plan.goals if plan is not None else ""},
        "meeting": {"chosen": [meeting]} if meeting in MEETING_CHOICES else {},
    }
    return national_form, _sections(national_form, values)


def multiagency_plan(case: Case, *, plan: SupportPlan | None, actions: Sequence[ActionRow],
                     participation: bool | None = None, outreach: bool | None = None,
                     meeting_on: date | None = None) -> tuple[NationalForm, list[FilledSection]]:
    """多機関協働事業のプラン兼利用申込書 of a household case from its latest plan: the plan's rows, each with the
    members it names (世帯員ごとの目標と支援) and its agency (役割分担)."""
    national_form = form("multiagency_plan")
    values: dict[str, dict[str, Any]] = {"household": {"text": _household_text(case)}}
    if plan is not None:
        values.update({
            "planned_on": {"day": timezone.localdate(plan.created_at)},
            "goal": {"text": plan.goals, "lines": [f"本人・世帯の意向: {plan.person_wishes}"] if plan.person_wishes else []},
            "member_goals": {"lines": [_action_line(a) for a in actions]},
            "roles": {"lines": list(dict.fromkeys(f"{a.agency or a.resource}: {a.description}" for a in actions
                                                  if a.agency or a.resource))},
            "review_on": {"day": plan.review_on},
            "signature": {"text": plan.agreed_by},
        })
    for key, used in (("participation", participation), ("outreach", outreach)):
        if used is not None:
            values[key] = {"chosen": ["利用する" if used else "利用しない"]}
    if meeting_on is not None:
        values["meeting_on"] = {"day": meeting_on}
    return national_form, _sections(national_form, values)
