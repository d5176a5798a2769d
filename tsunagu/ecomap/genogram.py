"""The genogram as server-side SVG, with the standard symbols: square = male, circle = female, diamond = not
recorded; the person at the centre (本人) drawn doubled; deceased crossed; marriage a line below the partners,
divorce two slashes across it, separation one; children hang from their parents' line; the household (同居)
inside a dashed boundary; ages inside the symbols. Plain Python over rows already read through the policy.
"""

from dataclasses import dataclass, field
from datetime import date
from html import escape

SIZE = 40  # symbol width and height
COL = 110  # horizontal spacing between symbols
ROW = 130  # vertical spacing between generations
LEFT, TOP = 40, 50

# Generation relative to the head of household (世帯主), by 続柄.
GENERATION = {"": 0, "husband": 0, "wife": 0, "sibling": 0, "lodger": 0, "other": 0,
              "father": -1, "mother": -1, "grandfather": -2, "grandmother": -2, "child": 1, "grandchild": 2}
RELATION_LABEL = {"": "世帯主", "husband": "夫", "wife": "妻", "father": "父", "mother": "母", "child": "子", "grandchild": "孫",
                  "grandfather": "祖父", "grandmother": "祖母", "sibling": "兄弟姉妹", "lodger": "同居人", "other": "その他"}
UNION_LABEL = {"married": "婚姻", "divorced": "離婚", "separated": "別居", "partners": "内縁"}


@dataclass
class Figure:
    key: str
    name: str
    sex: str
    age: int | None
    generation: int
    relation: str = ""
    deceased: bool = False
    in_household: bool = True
    is_index: bool = False
    parents: list[str] = field(default_factory=list)
    x: float = 0.0


@dataclass
class Union:
    a: str
    b: str
    status: str = "married"


@dataclass
class Genogram:
    title: str
    figures: dict[str, Figure]
    unions: list[Union]

    def partner_of(self, key: str) -> str | None:
        for u in self.unions:
            if key in (u.a, u.b):
                return u.b if u.a == key else u.a
        return None


# ---- building the family picture from household rows ----


def build(*, title: str, members, relationships=(), figures=(), index_person_id: int | None = None,
          today: date | None = None) -> Genogram:
    """`members`: HouseholdMember rows (with person) the actor may see; `relationships`: Relationship rows, or rows
    with from_person_id, to_person_id and kind, among them; `figures`: GenogramFigure rows (with parent_of
    prefetched as `parent_ids`)."""
    today = today or date.today()
    figs: dict[str, Figure] = {}
    head = next((m for m in members if m.is_head), members[0] if members else None)
    for m in members:
        p = m.person
        figs[f"p{p.pk}"] = Figure(f"p{p.pk}", p.name, p.sex, p.age_on(today), GENERATION.get(m.relation_to_head, 0),
                                  relation=RELATION_LABEL.get("" if m.is_head else m.relation_to_head, ""),
                                  is_index=p.pk == index_person_id)
    unions: list[Union] = []
    _from_relations_to_head(members, head, figs, unions)
    _from_relationships(relationships, figs, unions)
    _from_figures(figures, figs, unions, today)
    return Genogram(title, figs, unions)


def _from_relations_to_head(members, head, figs, unions) -> None:
    if head is None:
        return
    hk = f"p{head.person_id}"
    spouse = next((m for m in members if m.relation_to_head in ("wife", "husband")), None)
    couple = [hk] + ([f"p{spouse.person_id}"] if spouse else [])
    if spouse:
        unions.append(Union(hk, f"p{spouse.person_id}"))
    children = [m for m in members if m.relation_to_head == "child"]
    for m in members:
        key = f"p{m.person_id}"
        if m.relation_to_head == "child":
            figs[key].parents = list(couple)
        elif m.relation_to_head == "grandchild" and children:
            figs[key].parents = [f"p{children[0].person_id}"]
        elif m.relation_to_head in ("father", "mother"):
            figs[hk].parents.append(key)


def _from_relationships(relationships, figs, unions) -> None:
    """Explicit 続柄 between two persons win over what the relation to the head suggests."""
    explicit: dict[str, list[str]] = {}
    for r in relationships:
        a, b = f"p{r.from_person_id}", f"p{r.to_person_id}"
        if a not in figs or b not in figs:
            continue
        if r.kind in ("father", "mother"):
            explicit.setdefault(b, []).append(a)
        elif r.kind == "child":
            explicit.setdefault(a, []).append(b)
        elif r.kind in ("husband", "wife") and not any({a, b} == {u.a, u.b} for u in unions):
            unions.append(Union(a, b))
    for child, parents in explicit.items():
        figs[child].parents = sorted(set(parents))


def _from_figures(figures, figs, unions, today) -> None:
    for f in figures:
        if f.person_id is not None:
            key = f"p{f.person_id}"
            if key in figs:
                figs[key].deceased = figs[key].deceased or f.deceased
            continue
        key = f"f{f.pk}"
        partner = f"p{f.partner_of_id}" if f.partner_of_id else None
        children = [f"p{pid}" for pid in getattr(f, "parent_ids", []) if f"p{pid}" in figs]
        if partner in figs:
            generation = figs[partner].generation
        elif children:
            generation = figs[children[0]].generation - 1
        else:
            generation = 0
        age = today.year - f.birth_year if f.birth_year and not f.deceased else None
        figs[key] = Figure(key, f.label or "（氏名未記録）", f.sex, age, generation, relation="世帯外", deceased=f.deceased,
                           in_household=False)
        if partner is not None and partner in figs:
            unions.append(Union(partner, key, f.union_status or "married"))
        for child in children:
            if key not in figs[child].parents:
                figs[child].parents.append(key)


# ---- layout ----


def layout(g: Genogram) -> dict[int, float]:
    """Assigns x to every figure, row by row from the oldest generation; returns the y of each generation."""
    gens = sorted({f.generation for f in g.figures.values()})
    row_y: dict[int, float] = {gen: TOP + i * ROW for i, gen in enumerate(gens)}
    for gen in gens:
        _place_row([f for f in g.figures.values() if f.generation == gen], g)
    _outside_the_household(g)
    return row_y


def _outside_the_household(g: Genogram) -> None:
    """Someone who does not live in the household is drawn right of its boundary, so the dashed line stays true."""
    inside = [f.x for f in g.figures.values() if f.in_household]
    if not inside:
        return
    edge = max(inside) + COL
    for f in sorted((f for f in g.figures.values() if not f.in_household), key=lambda f: f.x):
        if min(inside) - COL < f.x < max(inside) + COL:
            f.x = edge
            edge += COL


def _place_row(row: list[Figure], g: Genogram) -> None:
    figs = g.figures
    wanted: dict[str, float] = {}
    by_parents: dict[tuple, list[Figure]] = {}
    for f in row:
        placed = tuple(sorted(p for p in f.parents if p in figs and figs[p].generation < f.generation))
        if placed:
            by_parents.setdefault(placed, []).append(f)
    for parents, siblings in by_parents.items():
        mid = sum(figs[p].x for p in parents) / len(parents)
        for i, f in enumerate(siblings):
            wanted[f.key] = mid + (i - (len(siblings) - 1) / 2) * COL
    ordered = sorted([f for f in row if f.key in wanted], key=lambda f: wanted[f.key])
    ordered += [f for f in row if f.key not in wanted and f.in_household and not _married_in(f, g, row)]
    ordered += [f for f in row if f.key not in wanted and not f.in_household and not _married_in(f, g, row)]
    for f in [f for f in row if _married_in(f, g, row) and f.key not in wanted]:
        partner = g.partner_of(f.key)
        at = next((i for i, o in enumerate(ordered) if o.key == partner), len(ordered) - 1)
        ordered.insert(at + 1, f)
    previous = None
    for f in ordered:
        x = wanted.get(f.key, LEFT + SIZE / 2)
        f.x = max(x, LEFT + SIZE / 2) if previous is None else max(x, previous + COL)
        previous = f.x


def _married_in(f: Figure, g: Genogram, row: list[Figure]) -> bool:
    partner = g.partner_of(f.key)
    return partner is not None and any(o.key == partner for o in row) and not f.parents


# ---- SVG ----


def render(g: Genogram) -> str:
    row_y = layout(g)
    figs = g.figures
    width = max([f.x for f in figs.values()] + [LEFT + 440]) + COL
    height = (max(row_y.values()) if row_y else TOP) + ROW + 40
    parts = [_open(g, width, height), _boundary(g, row_y)]
    parts += [_union(u, figs, row_y) for u in g.unions if u.a in figs and u.b in figs]
    parts += _children(g, row_y)
    parts += [_symbol(f, row_y[f.generation]) for f in figs.values()]
    parts.append(_legend(height - 30))
    parts.append("</svg>")
    return "\n".join(p for p in parts if p)


def _open(g: Genogram, width: float, height: float) -> str:
    people = "、".join(f"{f.name}（{f.relation or '—'}、{_sex_word(f.sex)}、{_age_word(f)}）" for f in g.figures.values())
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="genogram" viewBox="0 0 {width:.0f} {height:.0f}" '
            f'width="{width:.0f}" height="{height:.0f}" role="img" aria-labelledby="genogram-title genogram-desc" '
            f'font-family="sans-serif" font-size="12">'
            f'<title id="genogram-title">ジェノグラム: {escape(g.title)}</title>'
            f'<desc id="genogram-desc">{escape(people)}</desc>')


def _sex_word(sex: str) -> str:
    return {"M": "男性", "F": "女性"}.get(sex, "性別不明")


def _age_word(f: Figure) -> str:
    if f.deceased:
        return "死亡"
    return f"{f.age}歳" if f.age is not None else "年齢不明"


def _boundary(g: Genogram, row_y: dict[int, float]) -> str:
    inside = [f for f in g.figures.values() if f.in_household]
    if not inside:
        return ""
    pad = 26
    x0 = min(f.x for f in inside) - SIZE / 2 - pad
    x1 = max(f.x for f in inside) + SIZE / 2 + pad
    y0 = min(row_y[f.generation] for f in inside) - SIZE / 2 - pad
    y1 = max(row_y[f.generation] for f in inside) + SIZE / 2 + pad + 22
    return (f'<rect class="genogram__household" x="{x0:.0f}" y="{y0:.0f}" width="{x1 - x0:.0f}" height="{y1 - y0:.0f}" '
            f'rx="18" fill="none" stroke="#0b5f7a" stroke-width="1.5" stroke-dasharray="8 5"><title>同居している世帯員</title></rect>')


def _union(u: Union, figs, row_y) -> str:
    a, b = figs[u.a], figs[u.b]
    y = row_y[a.generation] + SIZE / 2 + 14
    ya, yb = row_y[a.generation] + SIZE / 2, row_y[b.generation] + SIZE / 2
    dash = ' stroke-dasharray="5 4"' if u.status == "partners" else ""
    out = [f'<g class="genogram__union genogram__union--{u.status}" data-a="{u.a}" data-b="{u.b}">'
           f'<title>{UNION_LABEL.get(u.status, "")}</title>'
           f'<path d="M{a.x:.0f},{ya:.0f} V{y:.0f} H{b.x:.0f} V{yb:.0f}" fill="none" stroke="#1f2328" stroke-width="1.5"{dash}/>']
    mid = (a.x + b.x) / 2
    slashes = {"divorced": 2, "separated": 1}.get(u.status, 0)
    for i in range(slashes):
        dx = (i - (slashes - 1) / 2) * 7
        out.append(f'<line x1="{mid + dx - 5:.0f}" y1="{y + 8:.0f}" x2="{mid + dx + 5:.0f}" y2="{y - 8:.0f}" stroke="#1f2328" stroke-width="1.5"/>')
    out.append("</g>")
    return "".join(out)


def _children(g: Genogram, row_y) -> list[str]:
    figs = g.figures
    groups: dict[tuple, list[Figure]] = {}
    for f in figs.values():
        parents = tuple(sorted(p for p in f.parents if p in figs))
        if parents:
            groups.setdefault(parents, []).append(f)
    out = []
    for parents, kids in groups.items():
        ps = [figs[p] for p in parents]
        top_x = sum(p.x for p in ps) / len(ps)
        top_y = row_y[ps[0].generation] + SIZE / 2 + (14 if len(ps) > 1 else 0)
        bar_y = row_y[kids[0].generation] - SIZE / 2 - 22
        xs = [k.x for k in kids] + [top_x]
        path = f"M{top_x:.0f},{top_y:.0f} V{bar_y:.0f} M{min(xs):.0f},{bar_y:.0f} H{max(xs):.0f}"
        path += "".join(f" M{k.x:.0f},{bar_y:.0f} V{row_y[k.generation] - SIZE / 2:.0f}" for k in kids)
        out.append(f'<path class="genogram__descent" d="{path}" fill="none" stroke="#1f2328" stroke-width="1.5"/>')
    return out


def _shape(sex: str, x: float, y: float, inset: float, cls: str) -> str:
    h = SIZE / 2 - inset
    fill = 'fill="#ffffff"' if inset == 0 else 'fill="none"'
    if sex == "M":
        return f'<rect class="{cls}" x="{x - h:.0f}" y="{y - h:.0f}" width="{2 * h:.0f}" height="{2 * h:.0f}" {fill} stroke="#1f2328" stroke-width="2"/>'
    if sex == "F":
        return f'<circle class="{cls}" cx="{x:.0f}" cy="{y:.0f}" r="{h:.0f}" {fill} stroke="#1f2328" stroke-width="2"/>'
    return (f'<polygon class="{cls}" points="{x:.0f},{y - h:.0f} {x + h:.0f},{y:.0f} {x:.0f},{y + h:.0f} {x - h:.0f},{y:.0f}" '
            f'{fill} stroke="#1f2328" stroke-width="2"/>')


HALO = ' stroke="#ffffff" stroke-width="4" stroke-linejoin="round" paint-order="stroke"'  # a label stays legible over a line


def _symbol(f: Figure, y: float) -> str:
    sex_class = {"M": "male", "F": "female"}.get(f.sex, "unknown")
    classes = f"genogram__person genogram__person--{sex_class}" + (" genogram__person--index" if f.is_index else "") + (
        " genogram__person--deceased" if f.deceased else "")
    out = [f'<g class="{classes}" data-key="{f.key}" data-sex="{escape(f.sex)}" data-generation="{f.generation}" '
           f'data-age="{"" if f.age is None else f.age}"><title>{escape(f.name)}（{escape(f.relation or "—")}・{_sex_word(f.sex)}・{_age_word(f)}）</title>',
           _shape(f.sex, f.x, y, 0, "genogram__symbol")]
    if f.is_index:
        out.append(_shape(f.sex, f.x, y, 5, "genogram__index-ring"))
    if f.deceased:
        h = SIZE / 2
        out.append(f'<path class="genogram__cross" d="M{f.x - h:.0f},{y - h:.0f} L{f.x + h:.0f},{y + h:.0f} M{f.x + h:.0f},{y - h:.0f} '
                   f'L{f.x - h:.0f},{y + h:.0f}" stroke="#1f2328" stroke-width="2"/>')
    elif f.age is not None:
        out.append(f'<text x="{f.x:.0f}" y="{y + 5:.0f}" text-anchor="middle" font-size="13" font-weight="bold" fill="#1f2328">{f.age}</text>')
    out.append(f'<text x="{f.x:.0f}" y="{y + SIZE / 2 + 30:.0f}" text-anchor="middle" fill="#1f2328"{HALO}>{escape(_short(f.name))}</text>')
    if f.relation:
        out.append(f'<text x="{f.x:.0f}" y="{y - SIZE / 2 - 6:.0f}" text-anchor="middle" font-size="11" fill="#4a5159"{HALO}>{escape(f.relation)}</text>')
    out.append("</g>")
    return "".join(out)


def _short(name: str, limit: int = 8) -> str:
    return name if len(name) <= limit else name[: limit - 1] + "…"


def _legend(y: float) -> str:
    items = [
        ('<rect x="0" y="-8" width="16" height="16" fill="#fff" stroke="#1f2328" stroke-width="2"/>', "男性"),
        ('<circle cx="8" cy="0" r="8" fill="#fff" stroke="#1f2328" stroke-width="2"/>', "女性"),
        ('<rect x="0" y="-8" width="16" height="16" fill="#fff" stroke="#1f2328" stroke-width="2"/><rect x="3" y="-5" width="10" height="10" fill="none" stroke="#1f2328" stroke-width="1.5"/>', "本人"),
        ('<path d="M0,-8 L16,8 M16,-8 L0,8" stroke="#1f2328" stroke-width="2"/>', "死亡"),
        ('<path d="M0,0 H22 M8,6 L12,-6 M13,6 L17,-6" stroke="#1f2328" stroke-width="1.5" fill="none"/>', "離婚"),
        ('<rect x="0" y="-8" width="22" height="16" rx="5" fill="none" stroke="#0b5f7a" stroke-dasharray="4 3"/>', "同居"),
    ]
    out = [f'<g class="genogram__legend" transform="translate({LEFT},{y:.0f})">']
    for i, (shape, label) in enumerate(items):
        out.append(f'<g transform="translate({i * 80},0)">{shape}<text x="28" y="4" fill="#1f2328">{label}</text></g>')
    out.append("</g>")
    return "".join(out)
