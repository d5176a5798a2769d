"""The household rules (tsunagu.rules.household): what 複合課題世帯 and 8050世帯 mean, and where each concern points.

Each rule is pinned here once, then checked where it is used (the intake's flag, 名寄せ's flags), so that a one-line
edit of the rule changes every page together and a copy left behind shows up."""

import datetime as dt

import pytest

from tsunagu.agencies.models import Field
from tsunagu.cases.models import Concern
from tsunagu.identity.households import FLAG_LABELS, FLAG_MULTI_ISSUE
from tsunagu.linkage.engine import is_8050
from tsunagu.people.models import Household, Person
from tsunagu.people.services import household_mark_multi_issue
from tsunagu.rules.household import (
    CONCERN_FIELDS,
    MULTI_ISSUE_ACROSS_AGENCIES,
    MULTI_ISSUE_AT_INTAKE,
    age_on,
    child_protection_first,
    concern_fields,
    flags_8050,
    is_8050_by_age,
    is_8050_parent_and_child,
    is_multi_issue,
)

# ---- 複合課題世帯: two or more 分野 ----


@pytest.mark.parametrize(("fields", "expected"), [
    ([], False), (["elderly"], False), (["elderly", "elderly"], False), (["elderly", "poverty"], True),
    (["elderly", "poverty", "health"], True),
])
def test_multi_issue_means_two_or_more_distinct_fields(fields, expected):
    assert is_multi_issue(fields) is expected


def test_two_concerns_in_one_field_are_not_multi_issue():
    assert concern_fields(["care", "dementia"]) == ["elderly"] and not is_multi_issue(concern_fields(["care", "dementia"]))
    assert concern_fields(["care", "withdrawal"]) == ["education", "elderly", "health"]


def test_the_two_flags_are_named_apart():
    assert MULTI_ISSUE_AT_INTAKE == "複合課題世帯（受付で把握）"
    assert FLAG_LABELS[FLAG_MULTI_ISSUE] == MULTI_ISSUE_ACROSS_AGENCIES == "複合課題世帯（名寄せで把握）"


@pytest.mark.django_db
def test_the_intake_flag_follows_the_rule_and_fields_only_accumulate(own_agency):
    household = Household.objects.create(agency=own_agency, name="架空さん世帯")
    household_mark_multi_issue(household=household, fields=["elderly"])
    assert not household.multi_issue
    household_mark_multi_issue(household=household, fields=["elderly"])
    assert not household.multi_issue and household.multi_issue_fields == ["elderly"]
    household_mark_multi_issue(household=household, fields=["poverty"])
    household.refresh_from_db()
    assert household.multi_issue and household.multi_issue_fields == ["elderly", "poverty"]


# ---- concern → 分野 ----


def test_every_concern_has_its_fields_and_every_field_is_a_field_of_support():
    assert set(CONCERN_FIELDS) == set(Concern.values)
    assert {f for fields in CONCERN_FIELDS.values() for f in fields} <= set(Field.values)
    assert CONCERN_FIELDS["other"] == ()


@pytest.mark.parametrize(("concerns", "fields"), [
    (["health_disability"], ["disability", "health"]),
    (["rent_loan", "income"], ["housing", "poverty"]),
    (["hoarding"], ["community", "elderly"]),
    (["abuse", "childcare"], ["advocacy", "children"]),
    (["other"], []),
    (["no_such_concern"], []),
])
def test_concerns_point_to_their_fields(concerns, fields):
    assert concern_fields(concerns) == fields


# ---- 8050世帯: a parent 75+ with a child 40–64 ----


@pytest.mark.parametrize(("parent", "child", "expected"), [
    (75, 40, True), (75, 64, True), (92, 50, True), (74, 50, False), (80, 39, False), (80, 65, False),
])
def test_8050_ages_of_a_known_parent_and_child(parent, child, expected):
    assert is_8050_parent_and_child(parent, child) is expected


@pytest.mark.parametrize(("elder", "younger", "expected"), [
    (75, 57, True),  # 18 years apart
    (90, 40, True),  # 50 years apart
    (91, 40, False),  # 51: more likely a grandparent
    (80, 63, False),  # 17: more likely siblings or a couple
    (82, 52, True),
])
def test_8050_by_age_alone_needs_a_parent_s_age_gap(elder, younger, expected):
    assert is_8050_by_age(elder, younger) is expected


def test_a_household_is_8050_when_some_two_members_are():
    assert flags_8050([82, 79, 52]) and flags_8050([52, 82])
    assert not flags_8050([82, 79]) and not flags_8050([82, 35]) and not flags_8050([])


def test_in_the_product_a_recorded_relationship_decides_for_its_two_persons():
    # a mother of 75 and her son of 64: 11 years apart, so not parent and child by age, but recorded as such
    assert is_8050({0, 1}, {0: 75, 1: 64}, parent_child={(0, 1)}, related={(0, 1)})
    assert not is_8050({0, 1}, {0: 75, 1: 64}, parent_child=set(), related=set())
    # an 80-year-old and a 50-year-old with a recorded relationship of another kind (e.g. siblings-in-law)
    assert not is_8050({0, 1}, {0: 80, 1: 50}, parent_child=set(), related={(0, 1)})
    assert is_8050({0, 1}, {0: 80, 1: 50}, parent_child=set(), related=set())
    assert not is_8050({0, 1}, {0: 80}, parent_child={(0, 1)}, related={(0, 1)})  # the child's age unknown


# ---- age ----


def test_age_counts_from_the_birthday_itself():
    assert age_on(dt.date(1950, 4, 1), dt.date(2025, 3, 31)) == 74
    assert age_on(dt.date(1950, 4, 1), dt.date(2025, 4, 1)) == 75
    assert age_on(dt.date(1952, 2, 29), dt.date(2025, 2, 28)) == 72
    assert Person(birth_date=dt.date(1950, 4, 1)).age_on(dt.date(2025, 4, 1)) == 75
    assert Person(birth_date=None).age_on(dt.date(2025, 4, 1)) is None


# ---- 子どもの安全が先: the 要対協 / こども家庭センター first ----


@pytest.mark.parametrize(("concerns", "ages", "first"), [
    ({"abuse"}, [38, 10], True),  # DV・虐待 with a child
    ({"abuse", "childcare"}, [38, 17], True),  # 17 is a child
    ({"withdrawal", "childcare"}, [45, 14], True),  # 不登校 with 子育て
    ({"withdrawal"}, [45, 14], False),  # 不登校 alone
    ({"childcare"}, [30, 2], False),  # 子育て alone
    ({"abuse"}, [40, 18], False),  # 18 is no longer a child
    ({"abuse"}, [None, 40], False),  # no member known to be a child
])
def test_child_protection_first(concerns, ages, first):
    assert child_protection_first(concerns, ages) is first
