"""One set of rules, two evaluators: the SQL conditions lists and searches use, and `Scope.bases_of`, which
get_or_404 uses on a row already loaded. They must give every agency the same bases for every row."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db.models import F
from django.utils import timezone

from tsunagu.agencies.models import Agency
from tsunagu.cases.models import Case
from tsunagu.people.models import Household, Person
from tsunagu.sharing import policy
from tsunagu.sharing.services import vital_interest_disclose

from .world import actor


def _sql_bases(model, scope) -> dict[int, list[str]]:
    conditions = policy._conditions_for(model, scope)
    rows = model.objects.annotate(**policy._flags(conditions)).values("pk", *(f"basis_{b}" for b in conditions))
    return {r["pk"]: [b for b in policy.ORDER if r[f"basis_{b}"]] for r in rows}


def _python_bases(model, scope) -> dict[int, list[str]]:
    return {obj.pk: scope.bases_of(obj) for obj in model.objects.all()}


def _compare_everywhere(agency_ids) -> dict[str, int]:
    """Asserts agreement; returns how many (agency, row) pairs each basis covered, so a test can show its reach."""
    today = timezone.localdate()
    reach = dict.fromkeys(policy.ORDER, 0)
    for agency_id in agency_ids:
        scope = policy.Scope(agency_id, today)
        for model in (Person, Household, Case):
            sql, python = _sql_bases(model, scope), _python_bases(model, scope)
            assert sql == python, f"{model.__name__} for agency {agency_id}"
            for bases in sql.values():
                for basis in bases:
                    reach[basis] += 1
    return reach


def test_the_world_with_every_basis(world, alice, bob, charlie, meeting_members):
    vital_interest_disclose(actor=actor(alice), person=world.mother, to_agency=charlie.memberships.get().agency, ground="life",
                            reason="夜間に倒れて救急搬送、服薬情報が必要なため")
    reach = _compare_everywhere(Agency.objects.values_list("pk", flat=True))
    assert all(reach[b] for b in (policy.B.OWN_AGENCY, policy.B.SUPPORT_MEETING, policy.B.CONSENT, policy.B.VITAL_INTEREST))


@pytest.fixture
def town(db):
    call_command("demo", profile="town", seed=11, verbosity=0)


def test_the_town_demo_for_every_agency(town):
    """About 2,000 persons and their cases, consents, meetings (支援会議, 要対協) and led households, and one
    emergency disclosure (the demo has none)."""
    person = Person.objects.filter(household_memberships__isnull=False).order_by("pk").first()
    staff = person.agency.memberships.select_related("staff").first().staff
    elsewhere = Agency.objects.exclude(pk=person.agency_id).order_by("pk").first()
    vital_interest_disclose(actor=actor(staff), person=person, to_agency=elsewhere, ground="life", reason="救急搬送先から服薬情報の照会があったため")
    reach = _compare_everywhere(Agency.objects.values_list("pk", flat=True))
    assert all(reach.values()), reach  # every basis is exercised, the 要対協 compartment included


def test_get_or_404_follows_the_rules_on_expiry(world, bob):
    """get_or_404 reads the consent's dates through the rules: an expired consent opens nothing."""
    world.consent.expires_on = timezone.localdate() - timedelta(days=1)
    world.consent.save()
    with pytest.raises(policy.Http404):
        policy.get_or_404(Person, actor(bob), world.son.pk)


def test_checked_rows_keeps_what_visible_keeps(world, alice, bob, charlie, meeting_members):
    """`checked_rows` (rows loaded by a plain key, checked in Python) keeps exactly the rows `visible` returns,
    with the same bases, and leaves archived rows out as `visible` does."""
    world.son.archived_at = timezone.now()
    world.son.save()
    for staff in (alice, bob, charlie):
        who = actor(staff)
        for model in (Person, Household, Case):
            expected = {row.pk: policy.access_of(row).basis for row in policy.visible(model.objects.all(), who, with_basis=True)}
            kept = {row.pk: policy.access_of(row).basis for row in policy.checked_rows(who, list(model.objects.all()))}
            assert kept == expected, f"{model.__name__} for {staff}"
        assert world.son.pk not in {row.pk for row in policy.checked_rows(who, list(Person.objects.all()))}
    assert policy.checked_rows(actor(alice), [world.son]) == []


def test_search_reads_the_same_rows_off_the_narrowed_index(town):
    """`search_persons` / `search_households` read their candidates off the search index narrowed to the Scope's
    holders (`Scope.holders`); the rows and their order are those of the whole index filtered by `visible`, for
    every agency and for the pieces most and least held (and a one-character query, which has no piece). The
    query the person search's page counts (`search_persons_to_count`) holds the same rows."""
    from collections import Counter

    from tsunagu.people import search_index
    from tsunagu.people.models import HouseholdGram, PersonGram

    person = Person.objects.filter(household_memberships__isnull=False).order_by("pk").first()
    staff = person.agency.memberships.select_related("staff").first().staff
    elsewhere = Agency.objects.exclude(pk=person.agency_id).order_by("pk").first()
    vital_interest_disclose(actor=actor(staff), person=person, to_agency=elsewhere, ground="life", reason="救急搬送先から服薬情報の照会があったため")
    for gram_model, model, search in ((PersonGram, Person, policy.search_persons),
                                      (HouseholdGram, Household, policy.search_households)):
        counts = Counter(gram_model.objects.values_list("gram", flat=True))
        common = [g for g, _ in counts.most_common(4)]
        rare = [g for g, _ in counts.most_common()[-3:]]
        names = list(model.objects.order_by("pk").values_list("name", flat=True)[:3])
        texts = [*common, *rare, *names, names[0][:1]]
        for agency in Agency.objects.all():
            member = agency.memberships.select_related("staff").first()
            if member is None:
                continue
            who = actor(member.staff)
            for text in texts:
                key = policy._key(text)
                whole = policy.visible(search_index.containing(model.objects.all(), key), who)
                expected = list(whole.values_list("pk", flat=True))
                assert list(search(who, text).values_list("pk", flat=True)) == expected, f"{model.__name__} {text} for {agency}"
                if model is Person:  # the page's count: the same rows
                    counted = policy.search_persons_to_count(who, text)
                    assert sorted(counted.values_list("pk", flat=True)) == sorted(expected), f"{text} for {agency}"
                    assert counted.order_by()[:1000].count() == len(expected)
        assert not gram_model.objects.exclude(agency_id=F(f"{model.__name__.lower()}__agency_id")).exists()


def test_a_piece_follows_its_rows_agency(world, alice, charlie):
    """The count reads a piece's recording agency for its row's (`search_persons_to_count`): a save that changes
    the row's agency writes its pieces again, so the two never part."""
    from tsunagu.people.models import PersonGram

    person = Person.objects.filter(agency_id=alice.memberships.get().agency_id).order_by("pk").first()
    other = charlie.memberships.get().agency
    assert set(PersonGram.objects.filter(person=person).values_list("agency_id", flat=True)) == {person.agency_id}
    person.agency = other
    person.save(update_fields=["agency"])
    assert set(PersonGram.objects.filter(person=person).values_list("agency_id", flat=True)) == {other.pk}
    for staff in (alice, charlie):
        who = actor(staff)
        counted = set(policy.search_persons_to_count(who, person.name).values_list("pk", flat=True))
        assert counted == set(policy.search_persons(who, person.name).values_list("pk", flat=True))
    assert person.pk in counted  # charlie's now
