"""Excel (.xlsx) for staff: the directory as one sheet with Japanese headings, and the same sheet read back.

Every row is checked with the same form as the screen; if any row is wrong nothing is saved, and each problem is
reported with its row number. A row with the ID of an existing entry updates it, as an edit on the screen would:
only for its maintaining agency (or the coordinator), and only from the version ("版") it was exported at. Texts
are written as string cells (tsunagu.core.cells), so what the sheet says reads back unchanged.

The whole sheet is read and checked before anything is written (the reader, core.xlsx, bounds it: 10 MB, 20,000
rows); then every row — entry, provider, place, address, phone, schedule — is built in memory and published at once
(services.services_write_sheet, through hsds.publish): one short transaction, in statements that do not grow with
the rows, so a sheet of thousands of entries holds up no one's save.
"""

import io
from datetime import time

from openpyxl import Workbook

from tsunagu.agencies.actor import Actor
from tsunagu.agencies.models import Field
from tsunagu.core.cells import xlsx_row
from tsunagu.core.xlsx import Limits, XlsxError, read_rows

from . import services
from .forms import ServiceForm
from .hsds.tabular import HsdsImportError
from .models import WEEKDAYS, ResourceKind, Service, Target, Visibility

COLUMNS = [
    ("id", "ID"), ("version", "版"), ("name", "名称"), ("organization_name", "提供主体"), ("description", "内容"), ("kind", "種類"),
    ("visibility", "公開範囲"), ("is_consultation_window", "相談窓口"), ("fields", "分野"), ("targets", "対象者"),
    ("district", "地区"), ("place_name", "場所の名前"), ("postal_code", "郵便番号"), ("address", "所在地"), ("phone", "電話番号"),
    ("email", "メールアドレス"), ("url", "ホームページ"), ("days", "曜日"), ("opens_at", "開始時刻"),
    ("closes_at", "終了時刻"), ("schedule_note", "日時の補足"), ("free", "無料"), ("fees_description", "費用"),
    ("eligibility_description", "利用できる人・条件"), ("capacity", "定員"), ("vacancy", "空き"),
    ("keywords", "検索用キーワード"),
]
CHOICES: dict[str, dict[str, str]] = {
    "kind": dict(ResourceKind.choices), "visibility": {Visibility.PUBLIC: "公開", Visibility.STAFF: "職員のみ"},
    "fields": dict(Field.choices), "targets": dict(Target.choices), "days": dict(WEEKDAYS),
}
MULTI = {"fields", "targets", "days"}
FLAGS = {"is_consultation_window", "free"}
SEPARATOR = "、"
# A municipality's directory is a few thousand entries; a sheet beyond these limits is a wrong file.
LIMITS = Limits(file_bytes=10 * 1024 * 1024, rows=20_000, columns=len(COLUMNS) + 20, cells=20_000 * 40)


def _cell(name: str, value):
    if name in MULTI:
        return SEPARATOR.join(CHOICES[name].get(v, v) for v in value or [])
    if name in CHOICES:
        return CHOICES[name].get(value, value)
    if name in FLAGS:
        return "○" if value else ""
    return "" if value is None else value


def export_workbook(queryset) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("社会資源")
    sheet.append(xlsx_row(sheet, [label for _, label in COLUMNS]))
    for service in queryset.prefetch_related("service_at_locations__location__addresses", "phones", "schedules"):
        initial = ServiceForm.initial_for(service)
        initial["id"] = service.id
        sheet.append(xlsx_row(sheet, [_cell(name, initial.get(name)) for name, _ in COLUMNS]))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _value(name: str, raw, where: str, errors: list[str]):
    text = "" if raw is None else (raw.strftime("%H:%M") if isinstance(raw, time) else str(raw).strip())
    if name in MULTI:
        reverse = {label: key for key, label in CHOICES[name].items()}
        parts = [p.strip() for p in text.replace("・", SEPARATOR).replace(",", SEPARATOR).split(SEPARATOR) if p.strip()]
        unknown = [p for p in parts if p not in reverse and p not in CHOICES[name]]
        if unknown:
            errors.append(f"{where} {dict(COLUMNS)[name]}: 「{'、'.join(unknown)}」は選択肢にありません")
        return [reverse.get(p, p) for p in parts]
    if name in CHOICES:
        reverse = {label: key for key, label in CHOICES[name].items()}
        return reverse.get(text, text)
    if name in FLAGS:
        return "on" if text in {"○", "〇", "はい", "1", "TRUE", "True", "true"} else ""
    return text


def _read_rows(data: bytes) -> list[tuple[int, dict]]:
    try:
        rows = read_rows(data, limits=LIMITS)
    except XlsxError as exc:
        raise HsdsImportError([f"{exc} 何も保存していません。"]) from exc
    header_row = rows[0][1] if rows and rows[0][0] == 1 else []
    header = [str(h).strip() if h is not None else "" for h in header_row]
    by_label = {label: name for name, label in COLUMNS}
    if "名称" not in header:
        raise HsdsImportError(["1行目に見出し「名称」がありません。書き出したファイルの見出しをそのまま使ってください。"])
    names = [by_label.get(h) for h in header]
    found = []
    for number, row in rows[1:]:
        if all(v in (None, "") for v in row):
            continue
        found.append((number, {n: v for n, v in zip(names, row, strict=False) if n}))
    return found


def read_workbook(data: bytes) -> list[tuple[int, str, dict]]:
    """(row number, existing id or "", form data) per row; raises HsdsImportError with every problem."""
    errors: list[str] = []
    parsed: list[tuple[int, str, dict]] = []
    for number, raw in _read_rows(data):
        where = f"{number}行目"
        values = {name: _value(name, raw.get(name), where, errors) for name, _ in COLUMNS if name != "id"}
        form = ServiceForm(values)
        if not form.is_valid():
            for field_name, messages in form.errors.items():
                label = dict(COLUMNS).get(field_name, "")
                errors.extend(f"{where} {label}: {m}".replace(" :", ":") for m in messages)
            continue
        parsed.append((number, str(raw.get("id") or "").strip(), form.cleaned_data))
    if errors:
        raise HsdsImportError(errors[:200])
    return parsed


def import_workbook(data: bytes, *, actor: Actor) -> tuple[int, int]:
    """New rows become entries the actor's agency maintains; rows of existing entries update them. The whole sheet
    is checked first (every value, who may update each entry, its version); then every row is written at once, in
    one short transaction of bulk statements whose number does not grow with the rows
    (services.services_write_sheet). Nothing is saved unless every row may be."""
    rows = read_workbook(data)
    existing = Service.objects.select_related("maintainer").in_bulk(
        [service_id for _, service_id, _ in rows if service_id])
    errors = [e for number, service_id, cleaned in rows if service_id in existing
              for e in _update_errors(number, existing[service_id], cleaned, actor)]
    if errors:
        raise HsdsImportError(errors[:200])
    try:
        return services.services_write_sheet(
            actor=actor, rows=[(number, existing.get(service_id), cleaned) for number, service_id, cleaned in rows])
    except services.StaleRows as exc:  # changed while we read the file: nothing is kept
        raise HsdsImportError([f"{number}行目: 「{name}」は読み込みの間に更新されました。もう一度書き出してから直してください"
                               for number, name in exc.rows][:200]) from exc


def _update_errors(number: int, service: Service, cleaned: dict, actor: Actor) -> list[str]:
    name = cleaned["name"]
    if not services.may_maintain(actor, service):
        return [f"{number}行目: 「{name}」は他の機関が管理している資源のため更新できません（管理機関または推進員が更新します）"]
    if cleaned.get("version") is None:
        return [f"{number}行目 版: 既存の資源を更新する行には版が必要です。書き出したファイルの「版」の列をそのまま使ってください"]
    if cleaned["version"] != service.version:
        return [f"{number}行目: 「{name}」は書き出した後に更新されています（版 {cleaned['version']} → {service.version}）。"
                "もう一度書き出してから直してください"]
    return []
