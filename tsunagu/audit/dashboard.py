from datetime import timedelta

from django.db.models import Count
from django.utils import timezone

from tsunagu.core.dashboard import Panel

from .models import AccessLog, SharingBasis


def panels(actor) -> list[Panel]:
    """Admins see, at a glance, how personal data was read this week — vital-interest reads above all."""
    if not actor.is_admin:
        return []
    since = timezone.now() - timedelta(days=7)
    by_basis = dict(
        AccessLog.objects.filter(at__gte=since).values_list("basis").annotate(n=Count("id")).values_list("basis", "n")
    )
    rows = [(label, by_basis.get(value, 0)) for value, label in SharingBasis.choices]
    return [Panel(title="この7日間の閲覧記録", template="audit/panel_week.html", context={"rows": rows}, order=20,
                  count=by_basis.get(SharingBasis.VITAL_INTEREST) or None)]
