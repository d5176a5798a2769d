"""Writes for the workspace. Each is one transaction: bad input writes nothing, and says why in Japanese
(ValidationError). Who may write is checked here too (workspace.permissions), as the pages' gates do.

An edit made through a ModelForm is saved from the form's instance, which carries the edited values; `data` (the
form's cleaned data) names the fields edited and holds the many-to-many values."""

from typing import Any

from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone

from tsunagu.agencies.models import Agency, JobRole
from tsunagu.agencies.permissions import is_planner
from tsunagu.core.fiscal import fiscal_year_label
from tsunagu.core.locking import EditConflict, save_versioned

from . import builtins, text
from .excel import ParsedSheet, SheetError, heading_cell, normalize_heading, sheet_from_json, sheet_to_json
from .models import (
    DesignItem,
    GrandDesign,
    InvitationReply,
    Mark,
    MeetingInventory,
    RoadmapActivity,
    TaskInterview,
    TaskInventory,
    TaskInventoryColumn,
    TaskInventoryUpload,
    TaskInventoryVersion,
    TaskRow,
    Theme,
    TimeUse,
    TrialCode,
    TrialObservation,
    WorksheetResponse,
    WorksheetTemplate,
    Workshop,
    WorkshopInvitation,
)
from .permissions import inventory_editable, keeps_inventories

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


NOT_PLANNER = "検討スケジュール・研修・ワークシート・グランドデザイン・試行検証を記録するのは、計画担当（行政の管理者・推進員）です。"
NOT_KEEPER = "業務棚卸表と会議・研修一覧を記録するのは、その機関の管理者か計画担当です。"


def _planner_only(actor) -> None:
    if not is_planner(actor):
        raise PermissionDenied(NOT_PLANNER)


def _keeper_only(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied(NOT_KEEPER)


def versioned_save(instance, *, expected_version: int | None, fields: list[str]):
    """New rows are simply saved; edits state the version they began from (core.locking)."""
    if instance.pk is None:
        instance.save()
        return instance
    return save_versioned(instance, expected_version=expected_version, fields=fields)


def _form_save(instance: models.Model, data: dict[str, Any], *, expected_version: int | None):
    """Saves a row as a ModelForm edited it: its columns among `data` (with the version the edit began from, when
    it is not new), then its many-to-many fields among `data`."""
    columns: list[str] = []
    relations: list[str] = []
    for name in data:
        try:
            field = instance._meta.get_field(name)
        except FieldDoesNotExist:
            continue  # the form's own fields: the version it began from, the invited agencies, …
        (relations if field.many_to_many else columns).append(name)
    versioned_save(instance, expected_version=expected_version, fields=columns)
    for name in relations:
        getattr(instance, name).set(data[name])
    return instance


# ---- roadmap -----------------------------------------------------------------------------------------------


@transaction.atomic
def roadmap_activity_save(*, actor, activity: RoadmapActivity, data: dict[str, Any],
                          expected_version: int | None = None) -> RoadmapActivity:
    """An activity of the 検討スケジュール, new or edited."""
    _planner_only(actor)
    return _form_save(activity, data, expected_version=expected_version)


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
                raise ValidationError(f"「{line}」: 表の列を「表: 見出し | 列1, 列2」の形で書いてください。")
            questions.append({"key": key, "label": label.strip() or "表", "kind": "rows", "columns": columns})
        else:
            questions.append({"key": key, "label": line, "kind": "text"})
    if not questions:
        raise ValidationError("設問を1行に1つずつ書いてください。")
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
def worksheet_template_save(*, actor, template: WorksheetTemplate, questions_text: str,
                            expected_version: int | None) -> WorksheetTemplate:
    """A worksheet (its name and description as the form set them) with its questions written out as text."""
    _planner_only(actor)
    try:
        new_questions = questions_from_text(questions_text)
    except ValidationError as error:
        raise ValidationError({"questions_text": error.messages}) from None
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
        raise ValidationError("このワークシートはこの研修で使われていません。")
    cleaned = _clean_answers(template, answers)
    if not any(cleaned.values()):
        raise ValidationError("回答が空です。少なくとも一つの設問に記入してください。")
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
def workshop_save(*, actor, workshop: Workshop, data: dict[str, Any], invited: list[Agency], program: list[dict],
                  expected_version: int | None = None) -> Workshop:
    """A workshop with its 参集機関 and programme: all saved, or nothing when someone saved it meanwhile."""
    _planner_only(actor)
    _form_save(workshop, data, expected_version=expected_version)
    workshop_invitations_set(workshop=workshop, agencies=invited)
    workshop_program_set(workshop=workshop, items=program)
    return workshop


@transaction.atomic
def workshop_replies_set(*, actor, workshop: Workshop, replies: dict[int, tuple[str, int]]) -> None:
    """出欠: the reply and the number attending of each of the workshop's invitations in `replies` (by id)."""
    _planner_only(actor)
    for invitation in workshop.invitations.filter(pk__in=list(replies)):
        reply, attendees = replies[invitation.pk]
        if reply not in InvitationReply.values or attendees < 0:
            raise ValidationError("出欠は「未回答・出席・欠席」から選び、人数は0以上の整数で書いてください。")
        invitation.reply, invitation.attendees = reply, attendees
        invitation.save(update_fields=["reply", "attendees"])


@transaction.atomic
def theme_adopt(*, workshop: Workshop, title: str, area: str, terms: list[str], quotes: list[dict]) -> Theme:
    order = workshop.themes.count() + 1
    return Theme.objects.create(workshop=workshop, title=title.strip() or "・".join(terms[:3]), area=area, terms=terms, quotes=quotes, order=order)


@transaction.atomic
def theme_update(*, actor, theme: Theme, title: str, area: str, keep: set[int]) -> Theme:
    """The planner names a theme, files it under an area and keeps the quotes she chose (by their place)."""
    _planner_only(actor)
    theme.title, theme.area = title, area
    theme.quotes = [quote for i, quote in enumerate(theme.quotes) if i in keep]
    theme.save()
    return theme


@transaction.atomic
def theme_remove(*, actor, theme: Theme) -> None:
    """A theme is the planner's reading of the answers: removing it leaves the answers as they are."""
    _planner_only(actor)
    theme.delete()


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


class ReplaceNotConfirmed(Exception):
    """A sheet for a year that already has an inventory: its uploader must confirm the replacement first."""


def inventory_roles(parsed: ParsedSheet) -> list[JobRole]:
    """The job role of each heading; SheetError naming the heading's cell for one not registered."""
    return _roles_for(parsed)


@transaction.atomic
def task_inventory_import(*, agency: Agency, fiscal_year: int, parsed: ParsedSheet, replace: bool = False,
                          by=None) -> TaskInventory:
    """The sheet becomes the agency's inventory of that year. An inventory already there is replaced only with
    `replace` (the uploader confirmed it); its content is kept as a TaskInventoryVersion, restorable (time use and
    interviews stay with the inventory)."""
    roles = _roles_for(parsed)
    inventory, created = TaskInventory.objects.get_or_create(agency=agency, fiscal_year=fiscal_year)
    if not created:
        if not replace:
            raise ReplaceNotConfirmed
        _archive(inventory, by=by, reason="upload")
    _fill(inventory, roles, headings=parsed.headings, caseloads=parsed.caseloads, shares=parsed.shares,
          rows=[(r.category_no, r.category, r.task_no, r.task, r.marks) for r in parsed.rows])
    return inventory


def task_inventory_upload_hold(*, agency: Agency, fiscal_year: int, parsed: ParsedSheet, by, file_name: str
                               ) -> TaskInventoryUpload:
    """Keeps a checked sheet until its uploader confirms the replacement (TaskInventoryUpload); her older
    unconfirmed uploads are dropped, being superseded (they hold no one's data, only the sheet)."""
    _roles_for(parsed)  # an unknown heading is refused now, not after the confirmation
    TaskInventoryUpload.objects.filter(uploaded_by=by).delete()
    return TaskInventoryUpload.objects.create(agency=agency, fiscal_year=fiscal_year, uploaded_by=by,
                                              file_name=file_name[:200], sheet=sheet_to_json(parsed))


@transaction.atomic
def task_inventory_upload_confirm(*, upload: TaskInventoryUpload, by) -> TaskInventory:
    inventory = task_inventory_import(agency=upload.agency, fiscal_year=upload.fiscal_year,
                                      parsed=sheet_from_json(upload.sheet), replace=True, by=by)
    upload.delete()
    return inventory


def inventory_content(inventory: TaskInventory) -> dict:
    """The inventory's columns and rows as plain data, marks by column position (a restore makes new columns)."""
    columns = list(inventory.columns.all())
    position = {str(c.pk): i for i, c in enumerate(columns)}
    return {
        "columns": [{"job_role": c.job_role_id, "heading": c.heading, "caseload": c.caseload, "share": c.share}
                    for c in columns],
        "rows": [[r.category_no, r.category, r.task_no, r.task,
                  {str(position[k]): m for k, m in r.marks.items() if k in position}] for r in inventory.rows.all()],
    }


def _archive(inventory: TaskInventory, *, by, reason: str) -> None:
    locked = TaskInventory.objects.select_for_update().get(pk=inventory.pk)
    content = inventory_content(locked)
    TaskInventoryVersion.objects.create(inventory=locked, version=locked.version, replaced_by=by, reason=reason,
                                        n_rows=len(content["rows"]), content=content)
    # Rows and columns are the inventory's current content only; what they held lives on in the version above.
    locked.rows.all().delete()
    locked.columns.all().delete()
    TaskInventory.objects.filter(pk=locked.pk).update(version=F("version") + 1, updated_at=timezone.now())


def _fill(inventory: TaskInventory, roles: list[JobRole], *, headings, caseloads, shares, rows) -> None:
    columns = TaskInventoryColumn.objects.bulk_create(
        TaskInventoryColumn(
            inventory=inventory, job_role=role, heading=headings[i], order=i,
            caseload=caseloads[i] if i < len(caseloads) else None,
            share=shares[i] if i < len(shares) else "",
        )
        for i, role in enumerate(roles)
    )
    TaskRow.objects.bulk_create(
        TaskRow(
            inventory=inventory, category_no=category_no, category=category, task_no=task_no, task=task,
            marks={str(columns[int(i)].pk): m for i, m in marks.items() if int(i) < len(columns)}, order=n,
        )
        for n, (category_no, category, task_no, task, marks) in enumerate(rows)
    )


@transaction.atomic
def task_inventory_restore(*, version: TaskInventoryVersion, by) -> TaskInventory:
    """The inventory as `version` kept it; what it holds now is kept as a version in turn, so a restore is undone
    by restoring again."""
    inventory = version.inventory
    _archive(inventory, by=by, reason="restore")
    content = version.content
    roles_by_pk = JobRole.objects.in_bulk([c["job_role"] for c in content["columns"]])
    roles = [roles_by_pk[c["job_role"]] for c in content["columns"]]
    _fill(inventory, roles, headings=[c["heading"] for c in content["columns"]],
          caseloads=[c["caseload"] for c in content["columns"]], shares=[c["share"] for c in content["columns"]],
          rows=content["rows"])
    inventory.refresh_from_db()
    return inventory


@transaction.atomic
def task_row_marks_set(*, row: TaskRow, marks: dict[str, str]) -> TaskRow:
    valid = {m.value for m in Mark}
    columns = {str(pk) for pk in row.inventory.columns.values_list("pk", flat=True)}
    for column, mark in marks.items():
        if column not in columns or (mark and mark not in valid):
            raise ValidationError("印は ◎・×・○ のいずれか、または空欄です。")
    row.marks = {c: m for c, m in marks.items() if m}
    row.save(update_fields=["marks"])
    return row


@transaction.atomic
def task_cell_set(*, row: TaskRow, column_id: int, mark: str, was: str) -> TaskRow:
    """One cell of the grid, compare-and-set: `was` is the mark the editor saw. Two managers changing different
    cells never collide; changing a cell someone else changed meanwhile raises EditConflict with the stored row,
    so nothing is silently overwritten."""
    if mark and mark not in {m.value for m in Mark}:
        raise ValidationError("印は ◎・×・○ のいずれか、または空欄です。")
    locked = TaskRow.objects.select_for_update().get(pk=row.pk)
    if not locked.inventory.columns.filter(pk=column_id).exists():
        raise ValidationError("この職種の列はこの業務棚卸表にありません。")
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


@transaction.atomic
def time_use_add(*, actor, inventory: TaskInventory, job_role: JobRole, label: str, hours: dict[str, float]) -> TimeUse:
    """1日の動き of one worker, by a role label (never a name)."""
    _keeper_only(inventory_editable(actor, inventory.agency_id))
    return TimeUse.objects.create(inventory=inventory, job_role=job_role, label=label, hours=hours)


@transaction.atomic
def task_interview_add(*, actor, inventory: TaskInventory, interview: TaskInterview) -> TaskInterview:
    """業務ヒアリング: `interview` as the form filled it in, added to the inventory."""
    _keeper_only(inventory_editable(actor, inventory.agency_id))
    interview.inventory = inventory
    interview.save()
    return interview


def _touch(inventory_id: int) -> None:
    """最終更新 of the inventory, without bumping its version (cell edits are compare-and-set on their own)."""
    TaskInventory.objects.filter(pk=inventory_id).update(updated_at=timezone.now())


@transaction.atomic
def task_row_add(*, inventory: TaskInventory, category: str, task: str) -> TaskRow:
    """A new 業務内容 at the end of its カテゴリー (a new カテゴリー goes last), numbered like the seed's sheets."""
    category, task = category.strip(), task.strip()
    if not category or not task:
        raise ValidationError("カテゴリーと業務内容の両方を書いてください。")
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
        raise ValidationError("担当件数は 0 以上の整数で書いてください。")
    if len(share) > 20:
        raise ValidationError("割合は20文字以内で書いてください（例: 40%）。")
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
            raise ValidationError("この職種の列はこの業務棚卸表にありません。")
        if (f["caseload"], f["share"].strip()) != (f["was_caseload"], f["was_share"]):
            task_column_figures_set(column=column, caseload=f["caseload"], share=f["share"],
                                    was_caseload=f["was_caseload"], was_share=f["was_share"])


# ---- 会議・研修一覧 ----------------------------------------------------------------------------------------


@transaction.atomic
def meeting_inventory_save(*, actor, entry: MeetingInventory, data: dict[str, Any],
                           expected_version: int | None = None) -> MeetingInventory:
    """A row of the 会議・研修一覧: the planner's, or a manager's row of her own agency."""
    _keeper_only(keeps_inventories(actor) and (is_planner(actor) or entry.reported_by_id == actor.agency_id))
    return _form_save(entry, data, expected_version=expected_version)


# ---- グランドデザイン --------------------------------------------------------------------------------------


@transaction.atomic
def design_item_save(*, actor, item: DesignItem, fiscal_year: int) -> DesignItem:
    """An item of the グランドデザイン; the year's design is made with the first item of that year."""
    _planner_only(actor)
    if item.design_id is None:
        item.design, _ = GrandDesign.objects.get_or_create(
            fiscal_year=fiscal_year, defaults={"title": f"{fiscal_year_label(fiscal_year)} 体制整備のグランドデザイン"})
    item.save()
    return item


# ---- 試行検証 ----------------------------------------------------------------------------------------------


@transaction.atomic
def trial_observation_save(*, actor, observation: TrialObservation, data: dict[str, Any],
                           expected_version: int | None = None) -> TrialObservation:
    """A 試行検証記録 with its codes, new or edited."""
    _planner_only(actor)
    return _form_save(observation, data, expected_version=expected_version)


@transaction.atomic
def trial_code_save(*, actor, code: TrialCode) -> TrialCode:
    """A code (所見) of the codebook, as the form set it."""
    _planner_only(actor)
    code.save()
    return code


@transaction.atomic
def trial_codes_ensure_defaults() -> list[TrialCode]:
    if TrialCode.objects.exists():
        return list(TrialCode.objects.all())
    return TrialCode.objects.bulk_create(
        TrialCode(label=label, name=name, description=desc, order=i) for i, (label, name, desc) in enumerate(builtins.TRIAL_CODES)
    )
