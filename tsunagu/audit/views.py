from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone

from tsunagu.agencies.permissions import admin_required
from tsunagu.agencies.queries import membership_changes
from tsunagu.core import cells

from .forms import AccessLogSearchForm
from .queries import access_log_search

MEMBERSHIP_CHANGES_SHOWN = 50
EXPORT_COLUMNS = ["日時", "職員", "ログインID", "機関", "操作", "対象の種類", "対象ID", "根拠", "根拠の詳細", "画面・API"]


def _filtered(request):
    form = AccessLogSearchForm(request.GET or None)
    if not form.is_bound:
        return form, access_log_search()
    if not form.is_valid():
        return form, access_log_search().none()
    return form, access_log_search(**form.cleaned_data)


@admin_required
def index(request):
    form, logs = _filtered(request)
    page = Paginator(logs, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    # who was given (or lost) a way into an agency's persons: membership changes, the latest first
    changes = membership_changes()[:MEMBERSHIP_CHANGES_SHOWN]
    return render(request, "audit/index.html", {"form": form, "page": page, "query": query.urlencode(),
                                                "membership_changes": changes})


class _Echo:
    def write(self, value):
        return value


@admin_required
def export(request):
    """CSV (UTF-8 with BOM, so Excel opens it in Japanese), streamed so a year of logs fits in memory. Names,
    details and paths are written as text (tsunagu.core.cells), never as formulas."""
    _, logs = _filtered(request)
    writer = cells.csv_writer(_Echo())

    def rows():
        yield "\ufeff" + writer.writerow(EXPORT_COLUMNS)
        for log in logs.iterator(chunk_size=2000):
            yield writer.writerow(
                [
                    timezone.localtime(log.at).strftime("%Y-%m-%d %H:%M:%S"),
                    log.staff.name,
                    log.staff.login_id,
                    log.agency.name if log.agency else "",
                    log.get_action_display(),
                    log.object_type,
                    log.object_id,
                    log.get_basis_display(),
                    log.basis_detail,
                    log.path,
                ]
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="access-log-{stamp}.csv"'
    return response
