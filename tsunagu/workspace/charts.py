"""Server-rendered SVG bar charts: no script, printable, and readable by a screen reader (role="img" + title,
with the same figures in a table on every page that shows a chart). Colours are CSS classes (workspace.css)."""

from django.utils.html import escape
from django.utils.safestring import mark_safe

ROW_HEIGHT = 26
LABEL_WIDTH = 190
BAR_WIDTH = 420
VALUE_WIDTH = 70


def stacked_bars(title: str, rows: list[tuple[str, list[float]]], series: list[tuple[str, str]], *, unit: str = "") -> str:
    """rows: (label, values per series). series: (name, css class). Bars share one scale (the largest total)."""
    scale = max((sum(v) for _, v in rows), default=0) or 1
    height = ROW_HEIGHT * len(rows) + 34
    width = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
        f'aria-label="{escape(title)}"><title>{escape(title)}</title>'
    ]
    for i, (label, values) in enumerate(rows):
        parts.append(_bar_row(i, label, values, series, scale, unit))
    parts.append(_legend(series, ROW_HEIGHT * len(rows) + 8))
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 — every text put in above went through escape()


def _bar_row(i: int, label: str, values: list[float], series, scale: float, unit: str) -> str:
    y = i * ROW_HEIGHT
    out = [f'<text class="chart__label" x="{LABEL_WIDTH - 8}" y="{y + 17}" text-anchor="end">{escape(label[:18])}</text>']
    x: float = LABEL_WIDTH
    for value, (name, css) in zip(values, series, strict=True):
        w = BAR_WIDTH * value / scale
        if w > 0:
            out.append(f'<rect class="{css}" x="{x:.1f}" y="{y + 4}" width="{w:.1f}" height="{ROW_HEIGHT - 8}">'
                       f'<title>{escape(label)} {escape(name)}: {value:g}{unit}</title></rect>')
        x += w
    out.append(f'<text class="chart__value" x="{x + 6:.1f}" y="{y + 17}">{sum(values):g}{unit}</text>')
    return "".join(out)


def _legend(series, y: int) -> str:
    out, x = [], LABEL_WIDTH
    for name, css in series:
        out.append(f'<rect class="{css}" x="{x}" y="{y + 4}" width="12" height="12"></rect>'
                   f'<text class="chart__legend" x="{x + 16}" y="{y + 15}">{escape(name)}</text>')
        x += 16 + 14 * len(name) + 18
    return "".join(out)
