"""Real Person rows for 名寄せ tests: a generated background population (so the model has data to estimate
from) and hand-written records of one family, each agency writing it its own way."""

import datetime as dt

from bench.linkage.generate import generate
from tsunagu.identity.normalize import normalize_sex, parse_birth_date
from tsunagu.linkage import services
from tsunagu.people.models import Person, person_search_key

TODAY = dt.date(2026, 11, 1)


def background(agencies, n: int = 300, seed: int = 11) -> list[Person]:
    rows = generate(n, seed=seed).rows
    persons = []
    for i, row in enumerate(rows):
        birth = parse_birth_date(row["birth_date"]).date if row["birth_date"] else None
        persons.append(Person(agency=agencies[i % len(agencies)], name=row["name"] or "不明", kana=row["kana"],
                              birth_date=birth, sex=normalize_sex(row["sex"]), address=row["address"],
                              phone=row["phone"], search_key=person_search_key(row["name"], row["kana"])))
    return Person.objects.bulk_create(persons)


def person(agency, name: str, kana: str = "", birth: str | None = None, **fields) -> Person:
    return Person.objects.create(agency=agency, name=name, kana=kana,
                                 birth_date=dt.date.fromisoformat(birth) if birth else None, **fields)


def run():
    return services.linkage_run(today=TODAY)
