"""Demo residents: households of realistic shapes (8050, elderly singles and couples, single parents, families)
and the seed's four-person household. Fictional names from core.fakenames; bulk_create for the city's volume.

Each household is recorded by the agency its shape would first reach; about one in eight 8050 children is
also recorded, separately, by a disability or poverty agency (written a little differently) — the material
of 名寄せ and of the "may be known elsewhere" signal.
"""

from datetime import date, timedelta

from tsunagu.core.bulk import foreign_keys_checked_after, insert_rows
from tsunagu.core.demo import DemoContext
from tsunagu.core.fakenames import CITY_DISTRICTS, GIVEN_FEMALE, GIVEN_MALE, SURNAMES, TOWN_DISTRICTS
from tsunagu.identity.normalize import search_key

from . import search_index
from .models import Household, HouseholdGram, HouseholdMember, Person, PersonGram, person_search_key

# (shape, weight, recording agency keys)
SHAPES = [
    ("8050", 14, ["houkatsu"]),
    ("elderly_single", 12, ["houkatsu", "welfare"]),
    ("elderly_couple", 14, ["houkatsu"]),
    ("single_parent", 14, ["child_support", "konkyu"]),
    ("family", 32, ["child_support", "welfare"]),
    ("single_adult", 14, ["konkyu", "shougai", "welfare"]),
]
SIZES = {"town": 580, "city": 15_000, "metro": 150_000}  # households; persons follow (~1,500 / ~40,000 / ~400,000)
SEED_FAMILY = [  # the seed's 事例検討 household (J2), names fictional
    ("髙橋 清", "たかはし きよし", date(1942, 5, 1), "M", "", True),
    ("高橋 ヨシ子", "たかはし よしこ", date(1944, 8, 9), "F", "wife", False),
    ("高橋 健一", "たかはし けんいち", date(1975, 2, 3), "M", "child", False),
    ("高橋 蓮", "たかはし れん", date(2014, 6, 1), "M", "grandchild", False),
]


def _birth(rng, today: date, low: int, high: int) -> date:
    return today - timedelta(days=rng.randint(low * 365, high * 365 + 364))


def _members(rng, shape: str, today: date) -> list[tuple[str, date, str, bool]]:
    """(sex, birth date, relation to head, is head) per member."""
    if shape == "8050":
        head = [("M", _birth(rng, today, 78, 92), "", True), ("F", _birth(rng, today, 75, 90), "wife", False)]
        return head[: rng.choice([1, 2])] + [(rng.choice("MF"), _birth(rng, today, 45, 62), "child", False)]
    if shape == "elderly_single":
        return [(rng.choice("MFF"), _birth(rng, today, 70, 95), "", True)]
    if shape == "elderly_couple":
        return [("M", _birth(rng, today, 70, 90), "", True), ("F", _birth(rng, today, 68, 88), "wife", False)]
    if shape == "single_parent":
        parent = [(rng.choice("FFFM"), _birth(rng, today, 24, 48), "", True)]
        return parent + [(rng.choice("MF"), _birth(rng, today, 0, 17), "child", False) for _ in range(rng.randint(1, 3))]
    if shape == "family":
        return [("M", _birth(rng, today, 28, 50), "", True), ("F", _birth(rng, today, 26, 48), "wife", False)] + [
            (rng.choice("MF"), _birth(rng, today, 0, 17), "child", False) for _ in range(rng.randint(1, 3))]
    return [(rng.choice("MF"), _birth(rng, today, 20, 64), "", True)]


def _name(rng, sex: str, surname) -> tuple[str, str]:
    given, given_kana = rng.choice(GIVEN_MALE if sex == "M" else GIVEN_FEMALE)
    return f"{surname[0]} {given}", f"{surname[1]} {given_kana}"


def generate(ctx: DemoContext) -> None:
    rng = ctx.rng_for("people")
    agencies = ctx.data["agencies"]
    districts = CITY_DISTRICTS if ctx.is_city else TOWN_DISTRICTS
    town = ctx.data["municipality"].name
    shapes = [s for s, w, _ in SHAPES for _ in range(w)]
    plans = []  # (household, [(person, relation, is_head)])
    for _ in range(SIZES[ctx.profile]):
        shape = rng.choice(shapes)
        agency = agencies[rng.choice(next(keys for s, _, keys in SHAPES if s == shape))]
        surname = rng.choice(SURNAMES)
        address = f"{town}{rng.choice(districts)}{rng.randint(1, 9)}丁目{rng.randint(1, 30)}番{rng.randint(1, 20)}号"
        household = Household(agency=agency, name=f"{surname[0]}さん世帯", address=address, search_key=search_key(f"{surname[0]}さん世帯"),
                              multi_issue=shape == "8050" and rng.random() < 0.4)
        if household.multi_issue:
            household.multi_issue_fields = ["elderly", rng.choice(["disability", "poverty", "health"])]
        people = []
        for sex, birth, relation, is_head in _members(rng, shape, ctx.today):
            name, kana = _name(rng, sex, surname)
            people.append((Person(agency=agency, name=name, kana=kana, birth_date=birth, sex=sex, address=address,
                                  phone=f"0{rng.randint(100, 199)}-{rng.randint(20, 79)}-{rng.randint(1000, 9999)}",
                                  search_key=person_search_key(name, kana)), relation, is_head))
        plans.append((household, people, shape))
    plans.append(_seed_family(ctx, agencies))
    _save(plans, ctx)
    duplicates = _duplicates(rng, plans, agencies)
    ctx.data["households"] = [(h.pk, h.agency_id, shape, [p.pk for p, _, _ in ps]) for h, ps, shape in plans]
    ctx.data["seed_household"] = plans[-1][0]
    ctx.say(f"世帯 {len(plans):,}、本人 {sum(len(p) for _, p, _ in plans) + duplicates:,}（うち他機関の重複記録 {duplicates:,}）")


def _seed_family(ctx, agencies):
    agency = agencies["houkatsu"]
    address = f"{ctx.data['municipality'].name}旭町1丁目2番3号"
    household = Household(agency=agency, name="高橋さん世帯", address=address, search_key=search_key("高橋さん世帯"))
    people = [(Person(agency=agency, name=n, kana=k, birth_date=b, sex=s, address=address, search_key=person_search_key(n, k)),
               rel, head) for n, k, b, s, rel, head in SEED_FAMILY]
    return household, people, "seed"


def _save(plans, ctx) -> None:
    Household.objects.bulk_create([h for h, _, _ in plans], batch_size=5000)
    Person.objects.bulk_create([p for _, ps, _ in plans for p, _, _ in ps], batch_size=5000)
    with foreign_keys_checked_after(HouseholdGram, PersonGram, HouseholdMember):
        search_index.reindex(Household, [h for h, _, _ in plans], fresh=True)  # bulk writes send no signals
        search_index.reindex(Person, [p for _, ps, _ in plans for p, _, _ in ps], fresh=True)
        insert_rows(HouseholdMember, (
            HouseholdMember(household=h, person=p, relation_to_head=rel, is_head=head,
                            joined_on=ctx.today - timedelta(days=3650))
            for h, ps, _ in plans for p, rel, head in ps))


def _duplicates(rng, plans, agencies) -> int:
    """The same resident recorded again by another agency, written as that agency would (カナ, 旧字 folded)."""
    others = [agencies[k] for k in ("shougai", "konkyu") if k in agencies]
    copies = []
    for household, people, shape in plans:
        if shape not in ("8050", "seed") or (shape == "8050" and rng.random() > 0.125):
            continue
        child = next((p for p, rel, _ in people if rel == "child"), None)
        if child is not None:
            kana = child.kana.translate(str.maketrans({chr(c): chr(c + 0x60) for c in range(0x3041, 0x3097)}))
            copies.append(Person(agency=rng.choice(others), name=child.name.replace("髙", "高"), kana=kana,
                                 birth_date=child.birth_date, sex=child.sex, address=household.address,
                                 search_key=person_search_key(child.name, kana)))
    Person.objects.bulk_create(copies, batch_size=2000)
    search_index.reindex(Person, copies, fresh=True)
    return len(copies)
