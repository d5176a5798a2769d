from datetime import date, datetime, time

from django.db.models import QuerySet
from django.utils import timezone

from .models import AccessLog


def access_log_search(
    *,
    staff_query: str = "",
    object_type: str = "",
    object_id: str = "",
    basis: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[AccessLog]:
    logs = AccessLog.objects.select_related("staff", "agency")
    if staff_query:
        logs = logs.filter(staff__name__icontains=staff_query) | logs.filter(staff__login_id=staff_query)
    if object_type:
        logs = logs.filter(object_type=object_type)
    if object_id:
        logs = logs.filter(object_id=object_id)
    if basis:
        logs = logs.filter(basis=basis)
    tz = timezone.get_current_timezone()
    if date_from:
        logs = logs.filter(at__gte=datetime.combine(date_from, time.min, tzinfo=tz))
    if date_to:
        logs = logs.filter(at__lte=datetime.combine(date_to, time.max, tzinfo=tz))
    return logs.order_by("-at", "-id")
