"""The ecomap as server-side SVG: the household (or person) in the centre, the agencies, social resources and
people around it, and the quality of each tie — strong (thick line), weak (dashed), stressful (zigzag) — with
arrows for the direction support flows. Plain Python over rows already read through the policy."""

import math
from dataclasses import dataclass
from html import escape

WIDTH, HEIGHT = 760, 600
CX, CY = WIDTH / 2, HEIGHT / 2 - 10
CENTRE_R, NODE_R, RING = 78, 50, 215
KIND_FILL = {"agency": "#dcecf2", "resource": "#e5f2e0", "informal": "#f7ead9"}
KIND_LABEL = {"agency": "関係機関", "resource": "社会資源", "informal": "家族・知人・地域"}
STRENGTH_LABEL = {"strong": "強い", "weak": "弱い", "stressful": "ストレス・葛藤"}


@dataclass
class Node:
    key: str
    name: str
    kind: str  # agency / resource / informal
    strength: str  # strong / weak / stressful
    flow: str = ""  # to_case / from_case / both / ""
    note: str = ""


def render(*, title: str, centre: list[str], nodes: list[Node]) -> str:
    """`centre`: the lines written in the middle circle (household name, members)."""
    out = [_open(title, nodes), _defs()]
    positions = _positions(len(nodes))
    for node, (x, y) in zip(nodes, positions, strict=True):
        out.append(_tie(node, x, y))
    out.append(_centre(centre))
    for node, (x, y) in zip(nodes, positions, strict=True):
        out.append(_node(node, x, y))
    out.append(_legend())
    out.append("</svg>")
    return "\n".join(out)


def _open(title: str, nodes: list[Node]) -> str:
    desc = "、".join(f"{n.name}（{KIND_LABEL.get(n.kind, '')}・つながり{STRENGTH_LABEL.get(n.strength, '')}）" for n in nodes) or "つながりは記録されていません"
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="ecomap" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" '
            f'height="{HEIGHT}" role="img" aria-labelledby="ecomap-title ecomap-desc" font-family="sans-serif" font-size="12">'
            f'<title id="ecomap-title">エコマップ: {escape(title)}</title><desc id="ecomap-desc">{escape(desc)}</desc>')


def _defs() -> str:
    return ('<defs><marker id="ecomap-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
            'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#1f2328"/></marker></defs>')


def _positions(n: int) -> list[tuple[float, float]]:
    if n == 0:
        return []
    ring = RING if n <= 10 else RING + 20
    return [(CX + ring * math.cos(-math.pi / 2 + 2 * math.pi * i / n), CY + ring * 0.92 * math.sin(-math.pi / 2 + 2 * math.pi * i / n))
            for i in range(n)]


def _endpoints(x: float, y: float) -> tuple[float, float, float, float]:
    d = math.hypot(x - CX, y - CY) or 1
    ux, uy = (x - CX) / d, (y - CY) / d
    return CX + ux * CENTRE_R, CY + uy * CENTRE_R, x - ux * NODE_R, y - uy * NODE_R


def _tie(node: Node, x: float, y: float) -> str:
    x0, y0, x1, y1 = _endpoints(x, y)
    markers = ""
    if node.flow in ("to_case", "both"):
        markers += ' marker-start="url(#ecomap-arrow)"'
    if node.flow in ("from_case", "both"):
        markers += ' marker-end="url(#ecomap-arrow)"'
    cls = f'class="ecomap__tie ecomap__tie--{node.strength}" data-key="{escape(node.key)}"'
    if node.strength == "stressful":
        return f'<polyline {cls} points="{_zigzag(x0, y0, x1, y1)}" fill="none" stroke="#b42318" stroke-width="2"{markers}/>'
    if node.strength == "strong":
        return f'<line {cls} x1="{x0:.0f}" y1="{y0:.0f}" x2="{x1:.0f}" y2="{y1:.0f}" stroke="#1f2328" stroke-width="5"{markers}/>'
    return (f'<line {cls} x1="{x0:.0f}" y1="{y0:.0f}" x2="{x1:.0f}" y2="{y1:.0f}" stroke="#1f2328" stroke-width="1.5" '
            f'stroke-dasharray="7 5"{markers}/>')


def _zigzag(x0, y0, x1, y1, step: float = 12, amp: float = 6) -> str:
    length = math.hypot(x1 - x0, y1 - y0) or 1
    ux, uy = (x1 - x0) / length, (y1 - y0) / length
    px, py = -uy, ux
    points = [(x0, y0)]
    for i in range(1, int(length // step)):
        side = amp if i % 2 else -amp
        points.append((x0 + ux * step * i + px * side, y0 + uy * step * i + py * side))
    points.append((x1, y1))
    return " ".join(f"{a:.0f},{b:.0f}" for a, b in points)


def _wrap(text: str, width: int = 7, lines: int = 3) -> list[str]:
    chunks = [text[i:i + width] for i in range(0, len(text), width)] or [""]
    if len(chunks) > lines:
        chunks = chunks[:lines]
        chunks[-1] = chunks[-1][:-1] + "…"
    return chunks


def _text_block(lines: list[str], x: float, y: float, size: int = 12, bold_first: bool = False) -> str:
    top = y - (len(lines) - 1) * (size + 2) / 2 + size / 3
    out = []
    for i, line in enumerate(lines):
        weight = ' font-weight="bold"' if bold_first and i == 0 else ""
        out.append(f'<text x="{x:.0f}" y="{top + i * (size + 2):.0f}" text-anchor="middle" font-size="{size}" fill="#1f2328"{weight}>{escape(line)}</text>')
    return "".join(out)


def _centre(lines: list[str]) -> str:
    return (f'<g class="ecomap__centre"><circle cx="{CX:.0f}" cy="{CY:.0f}" r="{CENTRE_R}" fill="#ffffff" stroke="#0b5f7a" stroke-width="3"/>'
            + _text_block([line[:10] for line in lines[:6]], CX, CY, 12, bold_first=True) + "</g>")


def _node(node: Node, x: float, y: float) -> str:
    fill = KIND_FILL.get(node.kind, "#ffffff")
    return (f'<g class="ecomap__node ecomap__node--{node.kind}" data-key="{escape(node.key)}" data-strength="{node.strength}">'
            f'<title>{escape(node.name)}（{KIND_LABEL.get(node.kind, "")}・つながり{STRENGTH_LABEL.get(node.strength, "")}）{escape(node.note)}</title>'
            f'<circle cx="{x:.0f}" cy="{y:.0f}" r="{NODE_R}" fill="{fill}" stroke="#1f2328" stroke-width="1.5"/>'
            + _text_block(_wrap(node.name), x, y, 11) + "</g>")


def _legend() -> str:
    y = HEIGHT - 22
    return (f'<g class="ecomap__legend" transform="translate(20,{y})">'
            '<line x1="0" y1="0" x2="34" y2="0" stroke="#1f2328" stroke-width="5"/><text x="40" y="4" fill="#1f2328">強いつながり</text>'
            '<line x1="140" y1="0" x2="174" y2="0" stroke="#1f2328" stroke-width="1.5" stroke-dasharray="7 5"/><text x="180" y="4" fill="#1f2328">弱いつながり</text>'
            '<polyline points="280,0 286,-5 292,5 298,-5 304,5 310,0" fill="none" stroke="#b42318" stroke-width="2"/><text x="318" y="4" fill="#1f2328">ストレス・葛藤</text>'
            '<line x1="440" y1="0" x2="474" y2="0" stroke="#1f2328" stroke-width="1.5" marker-end="url(#ecomap-arrow)"/><text x="482" y="4" fill="#1f2328">支援の向き</text>'
            '<circle cx="590" cy="0" r="7" fill="#dcecf2" stroke="#1f2328"/><text x="600" y="4" fill="#1f2328">機関</text>'
            '<circle cx="645" cy="0" r="7" fill="#e5f2e0" stroke="#1f2328"/><text x="655" y="4" fill="#1f2328">資源</text>'
            '<circle cx="695" cy="0" r="7" fill="#f7ead9" stroke="#1f2328"/><text x="705" y="4" fill="#1f2328">人</text></g>')
