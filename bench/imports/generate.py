"""A synthetic HSDS 3.0 tabular data package (bench/imports): organizations, services, locations with addresses,
service-at-locations and phones, in the columns of ../shared/hsds-3.0 (the vendored datapackage.json). Every name is
made up; ids are uuid5 of the row's number, so two runs write the same files."""

from __future__ import annotations

import csv
import json
import random
import uuid
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATAPACKAGE = ROOT.parent / "shared" / "hsds-3.0" / "datapackage.json"

NAMESPACE = uuid.UUID("0b7e3f3a-6c1e-4a55-9a53-1c2d3e4f5a6b")
KINDS = ["相談窓口", "サロン", "子ども食堂", "見守り", "就労体験", "通いの場", "学習支援", "フードバンク", "体操教室", "居場所"]
TOWNS = ["旭町", "緑町", "本町", "東町", "西町", "南町", "北町", "栄町", "港町", "桜台"]


def _id(kind: str, n: int) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{kind}:{n}"))


@cache
def _tables() -> dict[str, tuple[str, list[str]]]:
    package = json.loads(DATAPACKAGE.read_text(encoding="utf-8"))
    return {r["name"]: (r["path"], [f["name"] for f in r["schema"]["fields"]]) for r in package["resources"]}


def _write(directory: Path, table: str, rows: list[dict]) -> None:
    path, columns = _tables()[table]
    with (directory / path).open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(columns)
        writer.writerows([row.get(c, "") for c in columns] for row in rows)


def generate(directory: Path, services: int, *, seed: int = 2026) -> Path:
    rng = random.Random(seed)
    directory.mkdir(parents=True, exist_ok=True)
    organizations = max(1, services // 10)
    locations = max(1, services // 2)
    _write(directory, "organization", [
        {"id": _id("org", n), "name": f"架空法人{n}", "description": f"架空の運営主体 {n}",
         "email": f"office{n}@example.jp", "website": f"https://example.jp/org/{n}"} for n in range(organizations)])
    _write(directory, "location", [
        {"id": _id("loc", n), "location_type": "physical", "name": f"{rng.choice(TOWNS)}会館{n}",
         "organization_id": _id("org", n % organizations)} for n in range(locations)])
    _write(directory, "address", [
        {"id": _id("adr", n), "location_id": _id("loc", n), "address_1": f"{rng.choice(TOWNS)}{n % 50 + 1}-{n % 9 + 1}",
         "city": "架空市", "region": "架空県", "state_province": "架空県", "postal_code": "000-0000", "country": "JP",
         "address_type": "physical"} for n in range(locations)])
    _write(directory, "service", [
        {"id": _id("svc", n), "organization_id": _id("org", n % organizations),
         "name": f"{rng.choice(TOWNS)}の{rng.choice(KINDS)}{n}", "description": f"架空の社会資源です（{n}）。",
         "url": f"https://example.jp/s/{n}", "email": f"svc{n}@example.jp", "status": "active",
         "fees_description": "無料" if n % 3 else "実費"} for n in range(services)])
    _write(directory, "service_at_location", [
        {"id": _id("sal", n), "service_id": _id("svc", n), "location_id": _id("loc", n % locations)}
        for n in range(services)])
    _write(directory, "phone", [
        {"id": _id("tel", n), "service_id": _id("svc", n), "number": f"000-{n % 1000:03d}-{n % 10000:04d}",
         "type": "voice"} for n in range(services)])
    return directory


if __name__ == "__main__":
    import sys

    print(generate(Path(sys.argv[1]), int(sys.argv[2])))
