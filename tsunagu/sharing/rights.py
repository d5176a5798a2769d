"""本人の権利 — the letter telling a person who holds her information (支援チームのお知らせ) and the 開示請求: the
writes, and the bundle put together from the rows `policy.disclosure_request_rows` read. Who may see what is
decided in `policy`, never here."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from tsunagu.agencies.actor import Actor
from tsunagu.agencies.models import Agency
from tsunagu.cases.models import Case, Compartment
from tsunagu.identity.normalize import search_key
from tsunagu.people import search_index
from tsunagu.people.models import Person

from . import policy
from .models import DISCLOSURE_REQUEST_DAYS, DisclosureRequest, ImplementingBody, TeamLetterRequest

# The 不開示 review marks (個人情報保護法第78条: 開示請求者以外の個人に関する情報, and information whose disclosure
# would harm the work of the 要対協): the reviewer decides; the bundle only says where to look.
REVIEW = "【不開示の検討】"
OTHER_MEMBER = "他の世帯員の情報"
HOUSEHOLD_ROW = "世帯としての記録（他の世帯員の情報を含みうる）"
COUNCIL_ROW = "要保護児童対策地域協議会の記録"


def team_letter_record(*, actor: Actor, person: Person, requested_on: date, method: str) -> tuple[TeamLetterRequest, list[policy.TeamEntry]]:
    """Records her request and the agencies the letter lists (from the policy, as of today)."""
    today = timezone.localdate()
    if requested_on > today:
        raise ValidationError("申出日: 未来の日付は記録できません。")
    if actor.agency_id is None:
        raise ValidationError("機関を選んでから印刷してください。")
    entries = policy.agencies_seeing(person, today=today)
    listed = [{"agency": e.agency.name, "bases": [{"basis": b, "since": s.isoformat() if s else None} for b, s in e.bases]}
              for e in entries]
    row = TeamLetterRequest.objects.create(person=person, requested_on=requested_on, method=method,
                                           agency_id=actor.agency_id, staff=actor.staff, listed=listed)
    return row, entries


@transaction.atomic
def disclosure_request_receive(*, actor: Actor, receipt_number: str, received_on: date, name: str, kana: str,
                               birth_date: date) -> DisclosureRequest:
    """開示請求の受付 by the coordinator. Her records are found in every agency by the identity she proved: the
    same birth date, and the name (or reading) as search finds it (異体字・かな folded)."""
    if not actor.is_coordinator or actor.agency_id is None:
        raise ValidationError("開示請求は相談支援包括化推進員が受け付けます。")
    receipt_number = receipt_number.strip()
    if DisclosureRequest.objects.filter(receipt_number=receipt_number).exists():
        raise ValidationError(f"受付番号: 「{receipt_number}」はすでに登録されています。")
    if received_on > timezone.localdate():
        raise ValidationError("受付日: 未来の日付は記録できません。")
    request = DisclosureRequest.objects.create(
        receipt_number=receipt_number, received_on=received_on, name=name, kana=kana, birth_date=birth_date,
        agency_id=actor.agency_id, received_by=actor.staff,
        expires_on=received_on + timedelta(days=DISCLOSURE_REQUEST_DAYS))
    request.persons.set(matching_persons(name, kana, birth_date))
    return request


def matching_persons(name: str, kana: str, birth_date: date) -> list[int]:
    candidates = Person.objects.filter(archived_at__isnull=True, birth_date=birth_date)
    found: set[int] = set()
    for text in (name, kana):
        key = search_key(text).replace("|", "")
        if len(key) >= 2:
            found |= set(search_index.containing(candidates, key).values_list("pk", flat=True))
    return sorted(found)


def holding_agency_ids(request: DisclosureRequest) -> set[int]:
    """The agencies that recorded one of her rows or lead a case about her: their managers are told."""
    persons = list(request.persons.values_list("pk", "agency_id"))
    ids = {a for _, a in persons}
    cases = Case.objects.filter(person_id__in=[p for p, _ in persons]).values_list("agency_id", "lead_agency_id")
    return ids | {a for pair in cases for a in pair}


def open_requests_for(agency_id: int, today: date) -> list[DisclosureRequest]:
    rows = DisclosureRequest.objects.filter(received_on__lte=today, expires_on__gte=today).filter(
        Q(closed_on__isnull=True) | Q(closed_on__gt=today))
    return [r for r in rows.order_by("expires_on", "pk") if agency_id in holding_agency_ids(r)]


# ----------------------------------------------------------------------------------------------------------
# The bundle
# ----------------------------------------------------------------------------------------------------------


@dataclass
class BundleItem:
    kind: str
    on: date | None
    text: str
    review: str = ""  # why the 不開示 review should look at it; empty: her own information


@dataclass
class AgencyPart:
    agency: Agency
    implementing: bool  # part of the municipality's 実施機関: its records in full, else kinds and dates only
    items: list[BundleItem] = field(default_factory=list)

    @property
    def under_review(self) -> int:
        return sum(1 for i in self.items if i.review)


def _review(own: set[int], *, named: set[int | None] | None = None, case: Case | None = None, compartment: str = "") -> str:
    if compartment == Compartment.CHILD_PROTECTION_COUNCIL or (case is not None and case.compartment):
        return COUNCIL_ROW
    named = {p for p in (named or set()) if p is not None}
    if named - own:
        return OTHER_MEMBER
    if named or case is None:
        return ""
    if case.person_id is not None:
        return "" if case.person_id in own else OTHER_MEMBER
    return HOUSEHOLD_ROW


def disclosure_bundle(rows: policy.DisclosedRows) -> list[AgencyPart]:
    """Her rows by the agency that holds them, each marked where the 不開示 review must look."""
    own = {p.pk for p in rows.persons}
    implementing = set(ImplementingBody.objects.values_list("agency_id", flat=True))
    parts: dict[int, AgencyPart] = {}

    def add(agency: Agency, item: BundleItem) -> None:
        parts.setdefault(agency.pk, AgencyPart(agency, agency.pk in implementing)).items.append(item)

    for p in rows.persons:
        add(p.agency, BundleItem("本人の基本情報", timezone.localtime(p.created_at).date(),
                                 f"{p.name}（{p.kana}） 生年月日 {p.birth_date or '不明'} 住所 {p.address} 電話 {p.phone}"))
    households = {m.household_id: m.household for m in rows.memberships}
    for household in households.values():
        members = [m for m in rows.memberships if m.household_id == household.pk]
        add(household.agency, BundleItem("世帯", None, f"{household.name} 住所 {household.address}"))
        for m in members:
            relation = m.get_relation_to_head_display() or ("世帯主" if m.is_head else "")
            add(household.agency, BundleItem("世帯員", m.joined_on, f"{m.person.name}（{relation}）",
                                             _review(own, named={m.person_id})))
    cases = {c.pk: c for c in rows.cases}
    for c in rows.cases:
        add(c.agency, BundleItem("支援ケース", c.opened_on, f"{c.title}（{c.get_status_display()}） {c.summary}",
                                 _review(own, case=c)))
    for x in rows.consultations:
        case = cases.get(x.case_id) if x.case_id else None
        add(x.agency, BundleItem("相談受付", x.received_on, f"主訴: {x.main_complaint} 初期対応: {x.first_response}",
                                 _review(own, named={x.person_id} if x.person_id else None, case=case,
                                         compartment=x.compartment)))
    for concern in rows.concerns:
        add(concern.agency, BundleItem("世帯員ごとの課題", concern.noted_on,
                                       f"{concern.person.name}: {concern.get_concern_display()}",
                                       _review(own, named={concern.person_id}, compartment=concern.compartment)))
    for n in rows.notes:
        add(n.agency, BundleItem(f"経過記録（{n.kind or '記録'}）", n.written_on, n.body,
                                 _review(own, named={m.pk for m in n.members.all()}, case=cases.get(n.case_id),
                                         compartment=n.compartment)))
    for plan in rows.plans:
        add(plan.agency, BundleItem(f"支援プラン（第{plan.revision}版）", timezone.localtime(plan.created_at).date(),
                                    f"目標: {plan.goals} 本人の意向: {plan.person_wishes}",
                                    _review(own, case=cases.get(plan.case_id))))
    for r in rows.referrals:
        add(r.from_agency, BundleItem(f"つなぎ（→{r.to_agency.name}）", timezone.localtime(r.sent_at).date(),
                                      f"理由: {r.reason} 依頼: {r.request}（{r.get_status_display()}）",
                                      _review(own, named={r.person_id} if r.person_id else None,
                                              case=cases.get(r.case_id))))
    return sorted(parts.values(), key=lambda part: (not part.implementing, part.agency.name))
