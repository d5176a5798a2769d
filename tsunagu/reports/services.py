"""Writes of `reports`: the planner's 事業目標・評価指標 (`reports.models.Target`) and the 公表 of a year's figures
(`reports.models.Publication`).

Typed input is checked here, so that the page and any later caller refuse the same things with the same Japanese
message, naming the field; a refused save writes nothing. An edit states the version it began from
(`core.locking.save_versioned`): a target changed meanwhile by someone else is never silently overwritten.
"""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from tsunagu.agencies.actor import Actor
from tsunagu.agencies.permissions import is_planner
from tsunagu.core.fiscal import EARLIEST_YEAR, fiscal_year
from tsunagu.core.fiscal import fiscal_year as fiscal_year_of
from tsunagu.core.locking import save_versioned

from .figures import BY_KEY, yearly_figures
from .models import Publication, PublicationStyle, Target
from .published import snapshot_of
from .targets import GUIDELINE

MAX_VALUE = Decimal("99999999999")


def year_allowed(value: object) -> int:
    """The 年度 a target may be set for: from the first 年度 of the 集計 up to next year's plan."""
    last = fiscal_year(timezone.localdate()) + 1
    try:
        year = int(str(value).strip())
    except (TypeError, ValueError):
        year = 0
    if not EARLIEST_YEAR <= year <= last:
        raise ValidationError({"fiscal_year": f"年度は {EARLIEST_YEAR} から {last} までの西暦で入力してください（例：{last - 1}）。"})
    return year


def _number(value: object) -> Decimal:
    text = str(value if value is not None else "").strip().replace(",", "").replace("，", "")
    text = text.translate(str.maketrans("０１２３４５６７８９．", "0123456789."))
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValidationError({"value": "目標値は数で入力してください（例：120）。"}) from None
    if not number.is_finite() or number < 0 or number > MAX_VALUE:
        raise ValidationError({"value": "目標値は 0 以上の数で入力してください（例：120）。"})
    if number != number.quantize(Decimal("0.1")):
        raise ValidationError({"value": "目標値は小数第1位までで入力してください（例：2.5）。"})
    return number


@transaction.atomic
def target_save(*, actor: Actor, fiscal_year: object, title: str, figure: str, value: object,
                guideline: str = "", target: Target | None = None, expected_version: int | None = None) -> Target:
    """Sets a target (new, or `target` edited from `expected_version`). Only the planner sets targets."""
    if not is_planner(actor):
        raise ValidationError("事業目標を設定できるのは計画担当の職員です。")
    errors: dict[str, str] = {}
    year, number = 0, Decimal(0)
    try:
        year = year_allowed(fiscal_year)
    except ValidationError as error:
        errors["fiscal_year"] = error.message_dict["fiscal_year"][0]
    try:
        number = _number(value)
    except ValidationError as error:
        errors["value"] = error.message_dict["value"][0]
    title = (title or "").strip()
    if not title:
        errors["title"] = "事業目標・評価指標の名前を入力してください。"
    if figure not in BY_KEY:
        errors["figure"] = "集計の項目を一覧から選んでください。"
    if guideline and guideline not in {e.key for e in GUIDELINE}:
        errors["guideline"] = "指針の例が見つかりません。"
    if errors:
        raise ValidationError(errors)
    row = target or Target(set_by=actor.staff)
    row.fiscal_year, row.title, row.figure, row.value, row.guideline = year, title[:200], figure, number, guideline
    row.set_by, row.updated_at = actor.staff, timezone.now()
    try:
        with transaction.atomic():
            if target is None:
                row.save()
            else:
                save_versioned(row, expected_version=expected_version,
                               fields=["fiscal_year", "title", "figure", "value", "guideline", "set_by", "updated_at"])
    except IntegrityError:
        raise ValidationError({"title": f"{row.fiscal_year}年度には「{title}」がすでにあります。その目標を編集してください。"}) from None
    return row


@transaction.atomic
def publication_create(*, actor: Actor, fiscal_year: object, note: str = "") -> Publication:
    """公表: keeps the figures of a finished 年度 as they are now. A later publication of the same year (再公表) takes
    its place on the page; the earlier ones stay."""
    if not is_planner(actor):
        raise ValidationError("集計を公表値として確定できるのは計画担当の職員です。")
    year = year_allowed(fiscal_year)
    if year >= fiscal_year_of(timezone.localdate()):
        raise ValidationError({"fiscal_year": "公表値として確定できるのは、終わった年度の集計です。"})
    return Publication.objects.create(fiscal_year=year, published_by=actor.staff, note=(note or "").strip()[:200],
                                      snapshot=snapshot_of(yearly_figures(year)))


def publication_style() -> PublicationStyle:
    """The municipality's 秘匿の記号 (「*」 until the planner chooses another)."""
    style = PublicationStyle.objects.order_by("pk").first()
    return style or PublicationStyle.objects.create()


@transaction.atomic
def publication_style_save(*, actor: Actor, symbol: str, expected_version: int | None) -> PublicationStyle:
    """The 秘匿の記号: one to three characters that cannot be read as a number."""
    if not is_planner(actor):
        raise ValidationError("秘匿の記号を設定できるのは計画担当の職員です。")
    symbol = (symbol or "").strip()
    if not 1 <= len(symbol) <= 3 or any(ch.isdigit() for ch in symbol) or symbol[0] in "=+-@":
        raise ValidationError({"symbol": "秘匿の記号は、数字を含まない1〜3文字で入力してください（例：*、x、…）。"
                                         "先頭に =、+、-、@ は使えません。"})
    style = publication_style()
    style.symbol, style.updated_by, style.updated_at = symbol, actor.staff, timezone.now()
    return save_versioned(style, expected_version=expected_version, fields=["symbol", "updated_by", "updated_at"])
