"""Writes for the workspace. Each is one transaction: bad input writes nothing."""

from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from tsunagu.agencies.models import Agency, JobRole
from tsunagu.core.locking import EditConflict, save_versioned

from . import builtins, text
from .excel import ParsedSheet, SheetError, heading_cell, normalize_heading
from .models import (
    Mark,
    TaskInventory,
    TaskInventoryColumn,
    TaskRow,
    Theme,
    TrialCode,
    WorksheetResponse,
    WorksheetTemplate,
    Workshop,
    WorkshopInvitation,
)

# Headings of the seed's sheets that abbreviate a 職種.
ROLE_ALIASES = {
    "社福": "社会福祉士",
    "主マネ": "主任介護支援専門員",
    "主任ケアマネ": "主任介護支援専門員",
    "コーディネーター": "生活支援コーディネーター",
    "プランナー専属": "プランナー(専属)",
    "プランナー事務兼務": "プランナー(事務兼務)",
    "事務": "事務員",
}


def versioned_save(instance, *, expected_version: int | None, fields: list[str]):
    """New rows are simply saved; edits state the version they began from (core.locking)."""
    if instance.pk is None:
        instance.save()
        return instance
    return save_versioned(instance, expected_version=expected_version, fields=fields)


# ---- worksheets --------------------------------------------------------------------------------------------


@transaction.atomic
def worksheet_templates_ensure_builtins() -> list[WorksheetTemplate]:
    made = []
    for sheet in builtins.WORKSHEETS:
        template, _ = WorksheetTemplate.objects.get_or_create(
            builtin_key=sheet["key"],
            defaults={"name": sheet["name"], "description": sheet["description"], "questions": sheet["questions"]},
        )
        made.append(template)
    return made


def questions_from_text(source: str) -> list[dict]:
    """The template editor's plain format: one question per line; 「表: 列1, 列2」 makes a table question.
    A line starting with 「  」 or 「※」 is the help text of the question above."""
    questions: list[dict] = []
    for raw in source.splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith("※") and questions:
            questions[-1]["help"] = line.lstrip("※ ").strip()
            continue
        key = f"q{len(questions) + 1}"
        if line.startswith(("表:", "表：")):
            label, _, cols = line[2:].partition("|")
            columns = [c.strip() for c in cols.replace("、", ",").split(",") if c.strip()]
            if not columns:
                raise ValueError(f"「{line}」: 表の列を「表: 見出し | 列1, 列2」の形で書いてください。")
            questions.append({"key": key, "label": label.strip() or "表", "kind": "rows", "columns": columns})
        else:
            questions.append({"key": key, "label": line, "kind": "text"})
    if not questions:
        raise ValueError("設問を1行に1つずつ書いてください。")
    return questions


def questions_to_text(questions: list[dict]) -> str:
    lines = []
    for q in questions:
        if q.get("kind") == "rows":
            lines.append(f"表: {q['label']} | {', '.join(q.get('columns', []))}")
        else:
            lines.append(q["label"])
        if q.get("help"):
            lines.append(f"※ {q['help']}")
    return "\n".join(lines)


@transaction.atomic
def worksheet_template_save(*, template: WorksheetTemplate, questions_text: str, expected_version: int | None) -> WorksheetTemplate:
    new_questions = questions_from_text(questions_text)
    # Keys of questions whose label is unchanged are kept, so earlier answers stay attached to them.
    old_keys = {q["label"]: q["key"] for q in template.questions}
    taken = set()
    for i, q in enumerate(new_questions, start=1):
        key = old_keys.get(q["label"]) or f"q{i}"
        while key in taken:
            key += "_"
        q["key"] = key
        taken.add(key)
    template.questions = new_questions
    return versioned_save(template, expected_version=expected_version, fields=["name", "description", "questions"])


@transaction.atomic
def worksheet_response_record(
    *, workshop: Workshop, template: WorksheetTemplate, answers: dict, respondent_name: str = "",
    respondent_affiliation: str = "", channel: str = "staff", response: WorksheetResponse | None = None,
) -> WorksheetResponse:
    if not workshop.templates.filter(pk=template.pk).exists():
        raise ValueError("このワークシートはこの研修で使われていません。")
    cleaned = _clean_answers(template, answers)
    if not any(cleaned.values()):
        raise ValueError("回答が空です。少なくとも一つの設問に記入してください。")
    response = response or WorksheetResponse(workshop=workshop, template=template, channel=channel)
    response.answers = cleaned
    response.terms = {k: text.terms_of(v) for k, v in cleaned.items() if isinstance(v, str)}
    response.respondent_name = respondent_name.strip()
    response.respondent_affiliation = respondent_affiliation.strip()
    response.save()
    return response


def _clean_answers(template: WorksheetTemplate, answers: dict) -> dict:
    cleaned: dict[str, Any] = {}
    for q in template.questions:
        value = answers.get(q["key"])
        if q.get("kind") == "rows":
            rows = [r for r in (value or []) if any(str(v).strip() for v in r.values())]
            cleaned[q["key"]] = rows
        else:
            cleaned[q["key"]] = (value or "").strip()
    return cleaned


# ---- workshops ---------------------------------------------------------------------------------------------


@transaction.atomic
def workshop_invitations_set(*, workshop: Workshop, agencies: list[Agency]) -> None:
    """参集機関: adds the newly chosen, removes the unchosen (replies of the kept ones stay)."""
    keep = {a.pk for a in agencies}
    workshop.invitations.exclude(agency_id__in=keep).delete()
    existing = set(workshop.invitations.values_list("agency_id", flat=True))
    WorkshopInvitation.objects.bulk_create(WorkshopInvitation(workshop=workshop, agency=a) for a in agencies if a.pk not in existing)


@transaction.atomic
def workshop_program_set(*, workshop: Workshop, items: list[dict]) -> None:
    workshop.program.all().delete()
    for item in items:
        workshop.program.create(**item)


@transaction.atomic
def theme_adopt(*, workshop: Workshop, title: str, area: str, terms: list[str], quotes: list[dict]) -> Theme:
    order = workshop.themes.count() + 1
    return Theme.objects.create(workshop=workshop, title=title.strip() or "・".join(terms[:3]), area=area, terms=terms, quotes=quotes, order=order)


# ---- 業務棚卸 ----------------------------------------------------------------------------------------------


def _roles_for(parsed: ParsedSheet) -> list[JobRole]:
    by_name = {normalize_heading(r.name): r for r in JobRole.objects.all()}
    roles = []
    for i, heading in enumerate(parsed.headings):
        key = normalize_heading(heading)
        role = by_name.get(key) or by_name.get(normalize_heading(ROLE_ALIASES.get(key, "")))
        role = role or next((r for k, r in by_name.items() if key.startswith(k)), None)
        if role is None:
            known = "、".join(r.name for r in by_name.values())
            raise SheetError(f"職種「{heading}」が登録されていません。登録済みの職種名（{known}）で書いてください。", heading_cell(parsed, i))
        roles.append(role)
    return roles


@transaction.atomic
def task_inventory_import(*, agency: Agency, fiscal_year: int, parsed: ParsedSheet) -> TaskInventory:
    """Replaces the agency's inventory of that year with the sheet's content (time use and interviews stay)."""
    roles = _roles_for(parsed)
    inventory, created = TaskInventory.objects.get_or_create(agency=agency, fiscal_year=fiscal_year)
    if not created:
        inventory.rows.all().delete()
        inventory.columns.all().delete()
        TaskInventory.objects.filter(pk=inventory.pk).update(version=inventory.version + 1)
    columns = TaskInventoryColumn.objects.bulk_create(
        TaskInventoryColumn(
            inventory=inventory, job_role=role, heading=parsed.headings[i], order=i,
            caseload=parsed.caseloads[i] if i < len(parsed.caseloads) else None,
            share=parsed.shares[i] if i < len(parsed.shares) else "",
        )
        for i, role in enumerate(roles)
    )
    TaskRow.objects.bulk_create(
        TaskRow(
            inventory=inventory, category_no=r.category_no, category=r.category, task_no=r.task_no, task=r.task,
            marks={str(columns[i].pk): m for i, m in r.marks.items()}, order=n,
        )
        for n, r in enumerate(parsed.rows)
    )
    return inventory


@transaction.atomic
def task_row_marks_set(*, row: TaskRow, marks: dict[str, str]) -> TaskRow:
    valid = {m.value for m in Mark}
    columns = {str(pk) for pk in row.inventory.columns.values_list("pk", flat=True)}
    for column, mark in marks.items():
        if column not in columns or (mark and mark not in valid):
            raise ValueError("印は ◎・×・○ のいずれか、または空欄です。")
    row.marks = {c: m for c, m in marks.items() if m}
    row.save(update_fields=["marks"])
    return row


@transaction.atomic
def task_cell_set(*, row: TaskRow, column_id: int, mark: str, was: str) -> TaskRow:
    """One cell of the grid, compare-and-set: `was` is the mark the editor saw. Two managers changing different
    cells never collide; changing a cell someone else changed meanwhile raises EditConflict with the stored row,
    so nothing is silently overwritten."""
    if mark and mark not in {m.value for m in Mark}:
        raise ValueError("印は ◎・×・○ のいずれか、または空欄です。")
    locked = TaskRow.objects.select_for_update().get(pk=row.pk)
    if not locked.inventory.columns.filter(pk=column_id).exists():
        raise ValueError("この職種の列はこの業務棚卸表にありません。")
    key = str(column_id)
    if locked.marks.get(key, "") != was:
        raise EditConflict(locked)
    if mark:
        locked.marks[key] = mark
    else:
        locked.marks.pop(key, None)
    locked.save(update_fields=["marks"])
    _touch(locked.inventory_id)
    return locked


def _touch(inventory_id: int) -> None:
    """最終更新 of the inventory, without bumping its version (cell edits are compare-and-set on their own)."""
    TaskInventory.objects.filter(pk=inventory_id).update(updated_at=timezone.now())


@transaction.atomic
def task_row_add(*, inventory: TaskInventory, category: str, task: str) -> TaskRow:
    """A new 業務内容 at the end of its カテゴリー (a new カテゴリー goes last), numbered like the seed's sheets."""
    category, task = category.strip(), task.strip()
    if not category or not task:
        raise ValueError("カテゴリーと業務内容の両方を書いてください。")
    rows = list(inventory.rows.select_for_update().order_by("order", "pk"))
    same = [r for r in rows if r.category == category]
    if same:
        category_no, task_no, order = same[0].category_no, max(r.task_no for r in same) + 1, same[-1].order + 1
        inventory.rows.filter(order__gte=order).update(order=F("order") + 1)
    else:
        category_no = max((r.category_no for r in rows), default=0) + 1
        task_no, order = 1, max((r.order for r in rows), default=-1) + 1
    _touch(inventory.pk)
    return TaskRow.objects.create(inventory=inventory, category_no=category_no, category=category, task_no=task_no,
                                  task=task, order=order)


@transaction.atomic
def task_column_figures_set(*, column: TaskInventoryColumn, caseload: int | None, share: str,
                            was_caseload: int | None, was_share: str) -> TaskInventoryColumn:
    """担当件数 and 割合 of one 職種 column, compare-and-set like a cell."""
    share = share.strip()
    if caseload is not None and not 0 <= caseload <= 100000:
        raise ValueError("担当件数は 0 以上の整数で書いてください。")
    if len(share) > 20:
        raise ValueError("割合は20文字以内で書いてください（例: 40%）。")
    locked = TaskInventoryColumn.objects.select_for_update().get(pk=column.pk)
    if (locked.caseload, locked.share) != (was_caseload, was_share):
        raise EditConflict(locked)
    locked.caseload, locked.share = caseload, share
    locked.save(update_fields=["caseload", "share"])
    _touch(locked.inventory_id)
    return locked


@transaction.atomic
def task_inventory_figures_set(*, inventory: TaskInventory, figures: list[dict]) -> None:
    """Several columns' 担当件数・割合 at once: all saved, or none when one of them was changed meanwhile.
    `figures`: [{column, caseload, share, was_caseload, was_share}]."""
    columns = {c.pk: c for c in inventory.columns.all()}
    for f in figures:
        column = columns.get(f["column"])
        if column is None:
            raise ValueError("この職種の列はこの業務棚卸表にありません。")
        if (f["caseload"], f["share"].strip()) != (f["was_caseload"], f["was_share"]):
            task_column_figures_set(column=column, caseload=f["caseload"], share=f["share"],
                                    was_caseload=f["was_caseload"], was_share=f["was_share"])


# ---- 試行検証 ----------------------------------------------------------------------------------------------


@transaction.atomic
def trial_codes_ensure_defaults() -> list[TrialCode]:
    if TrialCode.objects.exists():
        return list(TrialCode.objects.all())
    return TrialCode.objects.bulk_create(
        TrialCode(label=label, name=name, description=desc, order=i) for i, (label, name, desc) in enumerate(builtins.TRIAL_CODES)
    )
