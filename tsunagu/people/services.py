"""Writes for persons and households. Each is one transaction; bad input raises ValidationError in Japanese."""

from collections.abc import Sequence
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from tsunagu.core.locking import save_versioned
from tsunagu.rules.household import is_multi_issue

from .models import Household, HouseholdMember, Person, Relationship, Sex, person_search_key

PERSON_FIELDS = ["name", "kana", "birth_date", "sex", "address", "phone", "notes"]
HOUSEHOLD_FIELDS = ["name", "address", "notes"]
MAX_NOTES = 20_000


def _clean_person(fields: dict) -> dict:
    name = (fields.get("name") or "").strip()
    if not name:
        raise ValidationError({"name": "氏名を入力してください。わからない場合は「不明（〇〇さん宅の長男）」のように書けます。"})
    if len(name) > 100:
        raise ValidationError({"name": "氏名は100文字以内で入力してください。"})
    if (fields.get("sex") or "") not in Sex.values:
        raise ValidationError({"sex": "性別は「男」「女」「不明・未記入」から選んでください。"})
    birth = fields.get("birth_date")
    if birth is not None and birth > timezone.localdate():
        raise ValidationError({"birth_date": f"生年月日 {birth.isoformat()} が未来の日付です。"})
    if len(fields.get("notes") or "") > MAX_NOTES:
        raise ValidationError({"notes": f"備考は{MAX_NOTES:,}文字以内で入力してください。"})
    return {**fields, "name": name}


@transaction.atomic
def person_create(*, actor, name: str, kana: str = "", birth_date: date | None = None, sex: str = "",
                  address: str = "", phone: str = "", notes: str = "") -> Person:
    fields = _clean_person(dict(name=name, kana=kana, birth_date=birth_date, sex=sex, address=address,
                                phone=phone, notes=notes))
    return Person.objects.create(agency_id=actor.agency_id, created_by=actor.staff, **fields)


IDENTITY_FIELDS = ["name", "kana", "birth_date", "sex"]


@transaction.atomic
def person_own_record(*, actor, person: Person) -> Person:
    """The acting agency's own record of `person`, for a write that makes her the agency's business (a consultation,
    a household member): `person` herself when the agency recorded her; else the agency's record with the same name,
    reading and birth date; else a new one, made with the identity the worker was told (name, reading, birth date,
    sex) — never the other agency's address, phone or notes. The nightly 名寄せ links the two records.

    Why: own-agency access covers the rows an agency recorded. Taking up someone seen on a temporary basis (consent,
    a 支援会議, an emergency disclosure) must not turn that basis into lasting access to the other agency's row."""
    if person.agency_id == actor.agency_id:
        return person
    existing = Person.objects.filter(agency_id=actor.agency_id, archived_at__isnull=True, birth_date=person.birth_date,
                                     search_key=person_search_key(person.name, person.kana)).order_by("pk").first()
    if existing is not None:
        return existing
    return person_create(actor=actor, **{field: getattr(person, field) for field in IDENTITY_FIELDS})


@transaction.atomic
def household_own_record(*, actor, household: Household, person: Person | None = None) -> Household:
    """The acting agency's own record of `household`, as `person_own_record` does for a person: the household itself
    when the agency recorded it; else the agency's household `person` (already its own record) lives in; else a new
    one under the same name, with `person` as its member. Other members are not copied: the agency adds those it
    has been told about, so a case it leads reaches each member only on a basis for her."""
    if household.agency_id == actor.agency_id:
        return household
    if person is not None:
        lives_in = Household.objects.filter(agency_id=actor.agency_id, archived_at__isnull=True,
                                            members__person=person, members__left_on__isnull=True).order_by("pk").first()
        if lives_in is not None:
            return lives_in
    return household_create(actor=actor, name=household.name,
                            members=[(person, "", True)] if person is not None else [])


@transaction.atomic
def person_update(*, actor, person: Person, expected_version: int, **fields) -> Person:
    """Raises core.locking.EditConflict when someone saved a newer version meanwhile."""
    cleaned = _clean_person({f: fields.get(f, getattr(person, f)) for f in PERSON_FIELDS})
    for field, value in cleaned.items():
        setattr(person, field, value)
    return save_versioned(person, expected_version=expected_version, fields=PERSON_FIELDS)


@transaction.atomic
def household_create(*, actor, name: str, address: str = "", notes: str = "",
                     members: Sequence[tuple[Person, str, bool]] = ()) -> Household:
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "世帯名を入力してください（例: 高橋さん世帯）。"})
    household = Household.objects.create(
        agency_id=actor.agency_id, name=name[:100], address=address, notes=notes, created_by=actor.staff
    )
    for person, relation, is_head in members:
        household_member_add(actor=actor, household=household, person=person, relation_to_head=relation, is_head=is_head)
    return household


@transaction.atomic
def household_update(*, actor, household: Household, expected_version: int, **fields) -> Household:
    for field in HOUSEHOLD_FIELDS:
        if field in fields:
            setattr(household, field, fields[field])
    if not household.name.strip():
        raise ValidationError({"name": "世帯名を入力してください。"})
    return save_versioned(household, expected_version=expected_version, fields=HOUSEHOLD_FIELDS)


@transaction.atomic
def household_member_add(*, actor, household: Household, person: Person, relation_to_head: str = "",
                         is_head: bool = False, joined_on: date | None = None) -> HouseholdMember:
    """Adds the acting agency's own record of `person` (`person_own_record`) to a household it recorded: a household
    on a meeting's agenda or in a consent shows its members, so a member added from another agency's rows would
    share them further."""
    if household.agency_id != actor.agency_id:
        raise ValidationError("世帯員を追加できるのは、その世帯を記録した機関だけです。")
    person = person_own_record(actor=actor, person=person)
    if HouseholdMember.objects.filter(household=household, person=person, left_on__isnull=True).exists():
        raise ValidationError("この方はすでに世帯員です。")
    return HouseholdMember.objects.create(
        household=household, person=person, relation_to_head=relation_to_head, is_head=is_head,
        joined_on=joined_on or timezone.localdate(),
    )


@transaction.atomic
def household_member_leave(*, actor, member: HouseholdMember, left_on: date | None = None) -> HouseholdMember:
    member.left_on = left_on or timezone.localdate()
    member.save(update_fields=["left_on"])
    return member


@transaction.atomic
def household_mark_multi_issue(*, household: Household, fields: list[str]) -> Household:
    """複合課題世帯（受付で把握）, tsunagu.rules.household: fields only accumulate; clearing the flag is a person's
    decision."""
    merged = sorted(set(household.multi_issue_fields) | set(fields))
    household.multi_issue_fields = merged
    household.multi_issue = is_multi_issue(merged)
    household.save(update_fields=["multi_issue_fields", "multi_issue"])
    return household


@transaction.atomic
def relationship_set(*, from_person: Person, to_person: Person, kind: str) -> Relationship:
    rel, _ = Relationship.objects.update_or_create(from_person=from_person, to_person=to_person, defaults={"kind": kind})
    return rel
