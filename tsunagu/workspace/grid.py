"""業務棚卸表 in the browser: the manager sets each cell (◎ / × / ○ / 空欄) with the keyboard, adds tasks and edits
担当件数・割合. Each cell is saved on its own by htmx, compare-and-set against the mark the editor saw, so two
managers on the same inventory never silently overwrite each other (see services.task_cell_set)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.views.decorators.http import require_POST

from tsunagu.agencies.permissions import staff_required
from tsunagu.core.forms import save_or_conflict

from . import queries, services
from .models import Mark, TaskRow
from .permissions import check, inventory_editable
from .views import _inventory_for

MARKS = ["", *(m.value for m in Mark)]
MARK_KEYS = {"": "0", "◎": "1", "×": "2", "○": "3"}  # the digit that picks each mark (workspace.js)


def _options(selected: str) -> str:
    return format_html_join("", '<option value="{}"{}>{}</option>',
                            ((m, " selected" if m == selected else "", m or "空欄") for m in MARKS))


OPTIONS = {m: _options(m) for m in MARKS}


def cell_html(row_id: int, column_id: int, mark: str, cell_url: str) -> str:
    """One cell's select, labelled by its row header (業務内容) and column header (職種), and the mark it was
    last known to hold (sent back as `was`). Built in Python: a 200 × 10 grid is 2,000 of these."""
    return format_html(
        '<select id="m{r}_{c}" name="mark" class="ws-cell" data-mark="{m}" aria-labelledby="t{r} h{c}" hx-post="{u}" '
        'hx-vals=\'{{"row": {r}, "column": {c}}}\' hx-include="#w{r}_{c}">{o}</select>'
        '<input type="hidden" id="w{r}_{c}" name="was" value="{m}">',
        r=row_id, c=column_id, m=mark, u=cell_url, o=OPTIONS.get(mark, OPTIONS[""]),
    )


def _editable_inventory(request, pk):
    inventory = _inventory_for(request, pk)
    check(inventory_editable(request.actor, inventory.agency_id))
    return inventory


def _grid_context(inventory, *, conflict=None, typed=None, figures_error=""):
    columns, rows = queries.inventory_load(inventory)
    url = reverse("workspace:inventory_cell", args=[inventory.pk])
    grid = [(r, [(c, cell_html(r.pk, c.pk, r.marks.get(str(c.pk), ""), url)) for c in columns]) for r in rows]
    return {
        "inventory": inventory, "columns": columns, "grid": grid, "categories": list(dict.fromkeys(r.category for r in rows)),
        "conflict": conflict, "typed": typed or {}, "figures_error": figures_error,
    }


@staff_required
def inventory_grid(request, pk):
    inventory = _editable_inventory(request, pk)
    return render(request, "workspace/inventory_grid.html", _grid_context(inventory))


def _cell_ids(request) -> tuple[int, int] | None:
    try:
        return int(request.POST["row"]), int(request.POST["column"])
    except (KeyError, ValueError):
        return None


@staff_required
@require_POST
def inventory_cell(request, pk):
    """htmx: one cell. 200 updates the cell's remembered mark; 409 shows the stored mark and says so."""
    inventory = _editable_inventory(request, pk)
    ids = _cell_ids(request)
    row = TaskRow.objects.filter(pk=ids[0], inventory=inventory).first() if ids else None
    mark, was = request.POST.get("mark", ""), request.POST.get("was", "")
    if row is None:
        return _status(request, "この行は見つかりません。業務棚卸表が取り込み直された可能性があります。ページを再読み込みしてください。", 409)
    column = inventory.columns.filter(pk=ids[1]).first()
    if column is None or mark not in MARKS or was not in MARKS:
        return _status(request, "印は ◎・×・○ のいずれか、または空欄です。", 422)
    context = {"row": row, "column": column}
    outcome = save_or_conflict(lambda: services.task_cell_set(row=row, column_id=column.pk, mark=mark, was=was))
    if outcome.conflict is not None:
        current = outcome.conflict.marks.get(str(column.pk), "")
        cell = cell_html(row.pk, column.pk, current, reverse("workspace:inventory_cell", args=[inventory.pk]))
        html = render_to_string("workspace/_grid_cell_conflict.html", {**context, "mark": current, "cell": cell}, request=request)
        return _answer(request, html, 409)
    html = render_to_string("workspace/_grid_cell_saved.html", {**context, "mark": mark}, request=request)
    return HttpResponse(html)


def _answer(request, html: str, status: int) -> HttpResponse:
    """htmx gets a conflict as 200 with the message in it: an expected, handled outcome (a browser logs every 4xx
    as an error). Other clients get the real status."""
    handled = status == 409 and request.headers.get("HX-Request") == "true"
    response = HttpResponse(html, status=200 if handled else status)
    if handled:
        response["X-Edit-Conflict"] = "1"
    return response


def _status(request, message: str, status: int) -> HttpResponse:
    html = format_html('<div hx-swap-oob="innerHTML:#grid-status"><p class="alert" role="alert">{}</p></div>', message)
    return _answer(request, html, status)


@staff_required
@require_POST
def inventory_row_add(request, pk):
    inventory = _editable_inventory(request, pk)
    try:
        row = services.task_row_add(inventory=inventory, category=request.POST.get("category", "")[:200],
                                    task=request.POST.get("task", "")[:300])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(f"{reverse('workspace:inventory_grid', args=[pk])}#add-row")
    messages.success(request, f"「{row.task}」を追加しました。")
    return redirect(f"{reverse('workspace:inventory_grid', args=[pk])}#t-{row.pk}")


def _figures_from(request, columns) -> list[dict]:
    figures = []
    for c in columns:
        caseload, was_caseload = (request.POST.get(f"{k}-{c.pk}", "").strip() for k in ("caseload", "was_caseload"))
        if caseload and not caseload.isdigit():
            raise ValidationError(f"{c.heading}の担当件数は 0 以上の整数で書いてください。")
        figures.append({
            "column": c.pk, "caseload": int(caseload) if caseload else None,
            "was_caseload": int(was_caseload) if was_caseload.isdigit() else None,
            "share": request.POST.get(f"share-{c.pk}", ""), "was_share": request.POST.get(f"was_share-{c.pk}", ""),
        })
    return figures


@staff_required
@require_POST
def inventory_figures(request: HttpRequest, pk: int) -> HttpResponse:
    inventory = _editable_inventory(request, pk)
    columns = list(inventory.columns.all())
    errors: list[str] = []
    outcome = save_or_conflict(lambda: services.task_inventory_figures_set(inventory=inventory,
                                                                           figures=_figures_from(request, columns)),
                               invalid=lambda error: errors.extend(error.messages))
    if errors:
        return render(request, "workspace/inventory_grid.html", _grid_context(inventory, figures_error=" ".join(errors)),
                      status=422)
    if outcome.conflict is not None:
        current = outcome.conflict
        typed = {"caseload": request.POST.get(f"caseload-{current.pk}", ""), "share": request.POST.get(f"share-{current.pk}", "")}
        return render(request, "workspace/inventory_grid.html", _grid_context(inventory, conflict=current, typed=typed),
                      status=409)
    messages.success(request, "担当件数・割合を保存しました。")
    return redirect(f"{reverse('workspace:inventory_grid', args=[pk])}#figures-h")
