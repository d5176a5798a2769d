"""The Japanese profile (分野, 対象者, 種類, 相談窓口, 無料, 地区, 定員・空き) as HSDS attributes and back."""

from django.db.models import Q

from tsunagu.agencies.models import Field
from tsunagu.resources.models import ResourceKind, Service, Target, list_to_tokens, tokens_to_list

from .spec import tsunagu_id

TAXONOMIES = {
    "field": ("Tsunagu 分野", "包括的支援体制の分野"),
    "target": ("Tsunagu 対象者", "社会資源の対象者"),
    "profile": ("Tsunagu 社会資源の属性", "種類・相談窓口・無料・地区・定員・空き"),
}
PROFILE_TERMS = {
    "informal": "地域・インフォーマル",
    "consultation_window": "相談窓口",
    "free": "無料",
    "district": "地区",
    "capacity": "定員",
    "vacancy": "空き",
}


def taxonomy_rows() -> list[dict]:
    return [{"id": tsunagu_id("taxonomy", key), "name": name, "description": description,
             "uri": "", "version": "1"} for key, (name, description) in TAXONOMIES.items()]


def _terms_of(key: str) -> dict[str, str]:
    return {"field": dict(Field.choices), "target": dict(Target.choices), "profile": PROFILE_TERMS}[key]


def term_rows() -> list[dict]:
    rows = []
    for key in TAXONOMIES:
        for code, label in _terms_of(key).items():
            rows.append({"id": term_id(key, code), "code": code, "name": label, "description": label,
                         "taxonomy": TAXONOMIES[key][0], "taxonomy_id": tsunagu_id("taxonomy", key), "language": "ja"})
    return rows


def term_id(taxonomy_key: str, code: str) -> str:
    return tsunagu_id("term", taxonomy_key, code)


def tsunagu_term_ids() -> dict[str, tuple[str, str]]:
    return {term_id(key, code): (key, code) for key in TAXONOMIES for code in _terms_of(key)}


def tsunagu_taxonomy_ids() -> set[str]:
    return {tsunagu_id("taxonomy", key) for key in TAXONOMIES}


def taxonomy_key(taxonomy_id: str) -> str | None:
    """"field", "target" or "profile" for one of the profile's taxonomy ids, else None."""
    return next((key for key in TAXONOMIES if tsunagu_id("taxonomy", key) == taxonomy_id), None)


# `attribute_rows` as conditions on services: which services carry each of the profile's own terms
_PROFILE_CONDITIONS = {
    "informal": Q(kind=ResourceKind.INFORMAL), "consultation_window": Q(is_consultation_window=True),
    "free": Q(free=True), "district": ~Q(district=""), "capacity": Q(capacity__isnull=False),
    "vacancy": Q(vacancy__isnull=False),
}


def services_with(key: str, code: str | None = None) -> Q:
    """The services whose attributes (`attribute_rows`) include term `code` of taxonomy `key`; with no code, any
    term of that taxonomy."""
    column = {"field": "fields", "target": "targets"}.get(key)
    if column:
        return Q(**{f"{column}__contains": f",{code},"}) if code else ~Q(**{column: ""})
    if code:
        return _PROFILE_CONDITIONS[code]
    return Q(*_PROFILE_CONDITIONS.values(), _connector=Q.OR)


def attribute_rows(service: Service) -> list[dict]:
    pairs = [("field", f, "") for f in tokens_to_list(service.fields)]
    pairs += [("target", t, "") for t in tokens_to_list(service.targets)]
    if service.kind == ResourceKind.INFORMAL:
        pairs.append(("profile", "informal", ""))
    if service.is_consultation_window:
        pairs.append(("profile", "consultation_window", ""))
    if service.free:
        pairs.append(("profile", "free", ""))
    for name in ("district", "capacity", "vacancy"):
        value = getattr(service, name)
        if value not in (None, ""):
            pairs.append(("profile", name, str(value)))
    return [{"id": tsunagu_id("attribute", service.id, key, code), "link_id": service.id,
             "taxonomy_term_id": term_id(key, code), "link_type": "service", "link_entity": "service",
             "value": value} for key, code, value in pairs]


def apply(service: Service, attributes: list[tuple[str, str, str]]) -> None:
    """attributes: (taxonomy key, code, value) read from a file; sets the profile fields they describe."""
    fields = [code for key, code, _ in attributes if key == "field"]
    targets = [code for key, code, _ in attributes if key == "target"]
    profile = {code: value for key, code, value in attributes if key == "profile"}
    service.fields = list_to_tokens(fields)
    service.targets = list_to_tokens(targets)
    service.kind = ResourceKind.INFORMAL if "informal" in profile else ResourceKind.FORMAL
    service.is_consultation_window = "consultation_window" in profile
    service.free = "free" in profile
    service.district = profile.get("district", "")[:50]
    for name in ("capacity", "vacancy"):
        value = profile.get(name, "")
        setattr(service, name, int(value) if value.isdigit() else None)
