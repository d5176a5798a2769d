"""The intake's single-record check and the household flags, against the real database."""

import pytest

from tsunagu.agencies.actor import actor_for
from tsunagu.cases.models import Compartment, Consultation
from tsunagu.cases.services import consultation_void
from tsunagu.linkage.queries import candidates_for, household_flags_for_household, household_flags_for_persons
from tsunagu.people.models import Household, HouseholdMember, Relationship, RelationshipKind

from .helpers import person, run

pytestmark = pytest.mark.django_db

NEW_RECORD = {"name": "高橋良子", "kana": "タカハシ ヨシコ", "birth_date": "S15.3.2", "sex": "女", "address": "旭町一丁目2-3",
              "phone": ""}


def test_no_candidates_before_the_first_run(yoshiko):
    assert candidates_for(NEW_RECORD) == []


def test_a_record_written_yet_another_way_finds_the_person_across_agencies(yoshiko):
    run()
    found = candidates_for({**NEW_RECORD, "name": "髙橋ヨシ子"})
    assert found, "the person was not found"
    best = found[0]
    assert best.cluster == yoshiko[0].pk and set(best.person_ids) == {p.pk for p in yoshiko}
    assert best.matched_person_id in best.person_ids and best.band == "link" and best.probability >= 0.95
    assert [f["comparison"] for f in best.explanation["fields"]] == ["氏名・読み", "生年月日", "性別", "住所・電話"]


def test_the_result_carries_ids_and_scores_only(yoshiko):
    run()
    best = candidates_for(NEW_RECORD)[0]
    text = repr(best)
    assert "高橋" not in text and "旭町" not in text and "1940" not in text


def test_a_stranger_finds_nobody(yoshiko):
    run()
    assert candidates_for({"name": "存在 しない", "kana": "ソンザイ シナイ", "birth_date": "1999-12-31",
                           "address": "どこか町9-9-9"}) == []


def test_a_newer_run_answers_for_the_persons_it_found(own_agency, yoshiko):
    run()
    assert candidates_for(NEW_RECORD)
    newcomer = person(own_agency, "辺見 ツル", "ヘンミ ツル", "1931-07-07", address="緑町8-1-2")
    record = {"name": "邊見 ツル", "kana": "へんみ つる", "birth_date": "昭和6年7月7日", "address": "緑町8-1-2"}
    assert candidates_for(record) == []  # recorded after the run: not in its index
    run()
    found = candidates_for(record)
    assert found and found[0].cluster == newcomer.pk


@pytest.fixture
def mother_and_son(own_agency, partner_agency, population):
    mother = person(own_agency, "森 トメ", "モリ トメ", "1940-01-01", sex="F", address="本町3-3-3")
    son = person(partner_agency, "森 健一", "モリ ケンイチ", "1975-05-05", sex="M", address="本町三丁目3番3号")
    return mother, son


def test_8050_from_a_recorded_parent_and_child(mother_and_son):
    mother, son = mother_and_son
    Relationship.objects.create(from_person=mother, to_person=son, kind=RelationshipKind.MOTHER)
    run()
    flags = household_flags_for_persons([mother.pk, son.pk])
    assert flags[mother.pk].is_8050 and flags[son.pk].is_8050 and "8050世帯" in flags[son.pk].labels


def test_a_recorded_relationship_that_is_not_parent_and_child_is_no_8050(mother_and_son):
    mother, son = mother_and_son
    Relationship.objects.create(from_person=mother, to_person=son, kind=RelationshipKind.SIBLING)  # ages alone would say 8050
    run()
    assert not household_flags_for_persons([mother.pk])[mother.pk].is_8050


def test_8050_from_a_recorded_household_with_different_addresses(own_agency, mother_and_son):
    mother, son = mother_and_son
    Person = type(son)
    Person.objects.filter(pk=son.pk).update(address="")  # the agency did not write the son's address
    household = Household.objects.create(agency=own_agency, name="森世帯", address="本町3-3-3")
    HouseholdMember.objects.create(household=household, person=mother, is_head=True)
    HouseholdMember.objects.create(household=household, person=son, relation_to_head=RelationshipKind.CHILD)
    run()
    assert household_flags_for_household(household).is_8050


def test_multi_issue_counts_concerns_across_agencies_but_not_the_council_compartment(alice, bob, mother_and_son):
    mother, son = mother_and_son
    Consultation.objects.create(agency=alice.memberships.get().agency, staff=alice, route="phone", consulter="self",
                                main_complaint="介護", person=mother, concerns=["care"])
    Consultation.objects.create(agency=bob.memberships.get().agency, staff=bob, route="phone", consulter="self",
                                main_complaint="子育て", person=son, concerns=["childcare"],
                                compartment=Compartment.CHILD_PROTECTION_COUNCIL)
    run()
    assert not household_flags_for_persons([mother.pk])[mother.pk].is_multi_issue
    Consultation.objects.create(agency=bob.memberships.get().agency, staff=bob, route="phone", consulter="self",
                                main_complaint="仕事", person=son, concerns=["job_search"])
    run()
    flags = household_flags_for_persons([mother.pk])[mother.pk]
    assert flags.is_multi_issue and {"elderly", "employment", "poverty"} <= flags.fields and "children" not in flags.fields


def test_a_voided_consultation_no_longer_flags_the_household(alice, bob, mother_and_son):
    mother, son = mother_and_son
    Consultation.objects.create(agency=alice.memberships.get().agency, staff=alice, route="phone", consulter="self",
                                main_complaint="介護", person=mother, concerns=["care"])
    mistaken = Consultation.objects.create(agency=bob.memberships.get().agency, staff=bob, route="phone",
                                           consulter="self", main_complaint="仕事", person=son, concerns=["job_search"])
    run()
    assert household_flags_for_persons([mother.pk])[mother.pk].is_multi_issue
    consultation_void(actor=actor_for(bob), consultation=mistaken,
                      reason="別の方の相談を誤って登録した")
    run()
    flags = household_flags_for_persons([mother.pk])[mother.pk]
    assert not flags.is_multi_issue and "employment" not in flags.fields
