"""HSDS JSON: nested objects (the API's `service`, `service_list`, …) built from rows, and flattened back to rows.

Nesting follows the official compiled schemas: which arrays and objects sit inside which. Each level is loaded for
all parents at once, so a page of services costs the same number of queries whatever its size.
"""

from collections import defaultdict

from . import profile, spec

# property name → (table, kind): "many" children point at the parent; "one" is pointed at by the parent.
RELATIONS = {
    "phones": ("phone", "many"), "schedules": ("schedule", "many"), "service_areas": ("service_area", "many"),
    "service_at_locations": ("service_at_location", "many"), "languages": ("language", "many"),
    "funding": ("funding", "many"), "cost_options": ("cost_option", "many"),
    "required_documents": ("required_document", "many"), "contacts": ("contact", "many"),
    "attributes": ("attribute", "many"), "metadata": ("metadata", "many"), "addresses": ("address", "many"),
    "accessibility": ("accessibility", "many"), "locations": ("location", "many"), "programs": ("program", "many"),
    "organization_identifiers": ("organization_identifier", "many"),
    "organization": ("organization", "one"), "program": ("program", "one"), "location": ("location", "one"),
    "taxonomy_term": ("taxonomy_term", "one"), "taxonomy_detail": ("taxonomy", "one"),
    "services": ("service", "many"), "service": ("service", "one"),
}
_TAIL = ["attributes", "metadata"]
PLANS = {
    "service": ["phones", "schedules", "service_areas", "service_at_locations", "languages", "organization", "funding",
                "cost_options", "program", "required_documents", "contacts", *_TAIL],
    "service_list": ["organization", "program"],
    # A service inside its service_at_location: the service's own rows, not its other places again.
    "service_at_location_service": ["phones", "schedules", "service_areas", "languages", "organization", "funding",
                                    "cost_options", "program", "required_documents", "contacts", *_TAIL],
    "service_at_location_list": ["location"],
    "phone": ["languages", *_TAIL],
    "contact": ["phones", *_TAIL],
    "service_at_location": ["contacts", "phones", "schedules", "location", *_TAIL],
    "location": ["languages", "addresses", "contacts", "accessibility", "phones", "schedules", *_TAIL],
    "organization": ["funding", "contacts", "phones", "locations", "programs", "organization_identifiers", *_TAIL],
    "organization_in_list": [],
    "organization_public": ["organization_identifiers"],
    "attribute": ["taxonomy_term"],
    "taxonomy_term": ["taxonomy_detail"],
    "taxonomy": [],
    "metadata": [],
    "flat": [],
}
# (plan, property) → the plan of the object nested there, where it is not that object's own plan.
NESTED_PLANS: dict[tuple[str | None, str], str] = {
    ("service_list", "organization"): "flat", ("service_list", "program"): "flat",
    ("service_at_location_list", "location"): "flat",
    # An organization's locations, phones and contacts may belong to staff-only entries (see organizations_json):
    # inside a public service it carries only its identifiers, as /organizations does.
    ("service", "organization"): "organization_public",
    ("service_at_location_service", "organization"): "organization_public",
}


def _parent_column(parent_table: str, child_table: str) -> str:
    if child_table == "attribute":
        return "link_id"
    if child_table == "metadata":
        return "resource_id"
    return f"{parent_table}_id"


def _one_column(prop: str) -> str:
    return "taxonomy_id" if prop == "taxonomy_detail" else f"{prop}_id"


def _load(table_name: str, column: str, wanted: set) -> list[dict]:
    values = [v for v in wanted if v]
    if not values:
        return []
    model = spec.model_for(table_name)
    table = spec.table(table_name)
    names = {spec.attname(table_name, c): c for c in table.column_names}
    rows = []
    for start in range(0, len(values), 900):
        chunk = values[start:start + 900]
        lookup = "pk__in" if column == "id" else f"{spec.attname(table_name, column)}__in"
        for record in model.objects.filter(**{lookup: chunk}).order_by("id").values(*names):
            rows.append({names[k]: v for k, v in record.items()})
    return rows


def _clean(row: dict) -> dict:
    out = {}
    for key, value in row.items():
        if value in ("", None):
            continue
        out[key] = int(value) if isinstance(value, float) and value.is_integer() else value
    return out


def build(table_name: str, rows: list[dict], plan: str | None = None, *, parent_column: str | None = None) -> list[dict]:
    """Nests `rows` of `table_name` per PLANS[plan or table_name]; drops the column that points at the parent."""
    objects = [_clean({k: v for k, v in row.items() if k != parent_column}) for row in rows]
    for prop in PLANS.get(plan or table_name, _TAIL):
        child_table, kind = RELATIONS[prop]
        if kind == "many":
            column = _parent_column(table_name, child_table)
            children = _load(child_table, column, {r["id"] for r in rows})
            built = build(child_table, children, parent_column=column)
            grouped = defaultdict(list)
            for child, obj in zip(children, built, strict=True):
                grouped[child[column]].append(obj)
            for row, obj in zip(rows, objects, strict=True):
                obj[prop] = grouped.get(row["id"], [])
        else:
            column = _one_column(prop)
            nested_plan = NESTED_PLANS.get((plan, prop))
            targets = _load(child_table, "id", {r.get(column) for r in rows})
            by_id = dict(zip([t["id"] for t in targets], build(child_table, targets, nested_plan), strict=True))
            for row, obj in zip(rows, objects, strict=True):
                if row.get(column) in by_id:
                    obj[prop] = by_id[row[column]]
    return objects


def rows_of(table_name: str, queryset) -> list[dict]:
    """The queryset's rows as HSDS columns of `table_name`."""
    table = spec.table(table_name)
    names = [spec.attname(table_name, c) for c in table.column_names]
    return [dict(zip(table.column_names, values, strict=True)) for values in queryset.values_list(*names)]


def service_rows(queryset) -> list[dict]:
    return rows_of("service", queryset)


def organizations_json(queryset, public_services, *, full: bool) -> list[dict]:
    """Organizations as the API's `organization` objects. With `full`, each carries its identifiers and its
    services from `public_services` (as in a service list). Nothing else is nested: an organization's locations,
    phones and contacts may belong to staff-only entries, which the public API never shows."""
    rows = rows_of("organization", queryset)
    objects = build("organization", rows, "organization_public" if full else "organization_in_list")
    if full:
        by_id = {o["id"]: o for o in objects}
        for obj in objects:
            obj["services"] = []
        rows = service_rows(public_services.filter(organization_id__in=list(by_id)).order_by("name", "id"))
        for row, service in zip(rows, build("service", rows, "service_list"), strict=True):
            service.pop("organization", None)
            by_id[row["organization_id"]]["services"].append(service)
    return objects


def services_json(queryset, *, full: bool, plan: str | None = None) -> list[dict]:
    rows = service_rows(queryset)
    objects = build("service", rows, plan or ("service" if full else "service_list"))
    if full:
        _add_profile_attributes(queryset, objects)
    return objects


def service_at_locations_json(queryset, public_services, *, full: bool) -> list[dict]:
    """Service-at-locations as the API's objects, each with its location and its service, taken from
    `public_services` only (a link to any other service gets none: the caller lists links of public services).
    A location has no visibility of its own: it is shown through the public service offered there. With `full`, the
    link carries its contacts, phones and schedules, the location everything of its own, and the service its own
    rows and profile, but its organization only its identifiers, as in `organizations_json`."""
    rows = rows_of("service_at_location", queryset)
    objects = build("service_at_location", rows, "service_at_location" if full else "service_at_location_list")
    services = public_services.filter(pk__in=sorted({r["service_id"] for r in rows if r["service_id"]}))
    by_id = {s["id"]: s for s in services_json(services, full=full,
                                               plan="service_at_location_service" if full else "service_list")}
    for row, obj in zip(rows, objects, strict=True):
        if row["service_id"] in by_id:
            obj["service"] = by_id[row["service_id"]]
    return objects


def taxonomies_json(queryset) -> list[dict]:
    return build("taxonomy", rows_of("taxonomy", queryset))


def taxonomy_terms_json(queryset) -> list[dict]:
    """Taxonomy terms, each with its taxonomy (`taxonomy_detail`)."""
    return build("taxonomy_term", rows_of("taxonomy_term", queryset))


def profile_taxonomies_json() -> list[dict]:
    """The Japanese profile's own taxonomies (分野, 対象者, 属性): built in code, never stored (see profile.py)."""
    return [_clean(t) for t in profile.taxonomy_rows()]


def profile_terms_json() -> list[dict]:
    """The Japanese profile's terms, each with its taxonomy: what a public service's attributes point at."""
    taxonomies = {t["id"]: t for t in profile_taxonomies_json()}
    return [_clean({**t, "taxonomy_detail": taxonomies[t["taxonomy_id"]]}) for t in profile.term_rows()]


def _add_profile_attributes(queryset, objects: list[dict]) -> None:
    terms = {t["id"]: t for t in profile_terms_json()}
    by_id = {o["id"]: o for o in objects}
    for service in queryset.only("id", "fields", "targets", "kind", "is_consultation_window", "free", "district",
                                 "capacity", "vacancy"):
        for attribute in profile.attribute_rows(service):
            by_id[service.id].setdefault("attributes", []).append(
                {**_clean({k: v for k, v in attribute.items() if k != "link_id"}),
                 "taxonomy_term": dict(terms[attribute["taxonomy_term_id"]])})


# ---------- JSON → rows (for import) ----------

def flatten(table_name: str, obj: dict, out: dict[str, dict], *, parent: tuple[str, str] | None = None) -> None:
    """Adds `obj` and everything nested in it to `out` (table → id → row), filling the reference to the parent.

    One entity may appear in several places (a phone under the service and again under its location); the
    occurrences are merged, each adding the references it knows.
    """
    columns = set(spec.table(table_name).column_names)
    row = {k: _as_text(v) for k, v in obj.items() if k in columns and not isinstance(v, (dict, list))}
    if parent is not None and parent[0] in columns and not row.get(parent[0]):
        row[parent[0]] = parent[1]
    for prop, value in obj.items():
        relation = RELATIONS.get(prop)
        if relation is None:
            continue
        child_table, kind = relation
        if kind == "many" and isinstance(value, list):
            for child in value:
                if isinstance(child, dict):
                    flatten(child_table, child, out, parent=(_parent_column(table_name, child_table), obj.get("id", "")))
        elif kind == "one" and isinstance(value, dict):
            flatten(child_table, value, out)
            row.setdefault(_one_column(prop), _as_text(value.get("id", "")))
    rows = out.setdefault(table_name, {})
    key = row.get("id") or f"__row{len(rows)}"
    merged = rows.setdefault(key, {})
    for column, value in row.items():
        if value and not merged.get(column):
            merged[column] = value
        merged.setdefault(column, value)


def _as_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def detect_table(obj: dict) -> str:
    if "status" in obj:
        return "service"
    if "location_type" in obj:
        return "location"
    if "service" in obj or ("service_id" in obj and "location_id" in obj):
        return "service_at_location"
    return "organization"


def rows_from_json(document) -> dict[str, list[dict]]:
    """A page ({"contents": [...]}), a list, or one object of services, organizations, locations or service-at-locations."""
    if isinstance(document, dict) and isinstance(document.get("contents"), list):
        document = document["contents"]
    items = document if isinstance(document, list) else [document]
    out: dict[str, dict] = {}
    for item in items:
        if not isinstance(item, dict):
            raise ValueError("JSON の要素はオブジェクトで指定してください")
        flatten(detect_table(item), item, out)
    return {name: list(rows.values()) for name, rows in out.items()}
