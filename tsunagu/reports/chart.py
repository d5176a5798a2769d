"""The 集計 page's chart of a target: the year so far as bars, month by month, and the target as a line, drawn on the
server as SVG geometry for `templates/reports/_target_chart.html` (no script, no inline style: the strict CSP)."""

from dataclasses import dataclass

from .targets import Progress

WIDTH, HEIGHT = 640, 200
LEFT, RIGHT, TOP, BOTTOM = 48, 8, 12, 28


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str  # the month
    value: str


@dataclass(frozen=True)
class Tick:
    y: float
    label: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    bars: list[Bar]
    line: str  # the target's points, "x,y x,y …"
    ticks: list[Tick]
    months: list[tuple[float, str]]  # x of each month's label, and the label
    baseline: float
    left: int
    right: float


def _number(value: float) -> str:
    return f"{value:g}" if value != int(value) else str(int(value))


def chart(progress: Progress) -> Chart:
    planned = [m.planned for m in progress.months]
    actual = [float(m.actual) for m in progress.months if m.actual is not None]
    top = max([*planned, *actual, 1.0]) * 1.1
    inner_w, inner_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = inner_w / len(progress.months)

    def y_of(value: float) -> float:
        return round(TOP + inner_h * (1 - value / top), 1)

    bars, points, months = [], [], []
    for index, month in enumerate(progress.months):
        x = LEFT + slot * index
        months.append((round(x + slot / 2, 1), f"{month.month.month}月"))
        points.append(f"{round(x + slot / 2, 1)},{y_of(month.planned)}")
        if month.actual is not None:
            y = y_of(float(month.actual))
            bars.append(Bar(round(x + slot * 0.2, 1), y, round(slot * 0.6, 1), round(TOP + inner_h - y, 1),
                            f"{month.month.month}月", _number(float(month.actual))))
    ticks = [Tick(y_of(top * share / 1.1), _number(round(top * share / 1.1, 1))) for share in (0, 0.5, 1)]
    return Chart(WIDTH, HEIGHT, bars, " ".join(points), ticks, months, TOP + inner_h, LEFT, WIDTH - RIGHT)
