"""Follow-up entries for a case's timeline: the planned contacts, the next visit of each 訪問計画 and the closure
record (a recorded contact or visit is already there as the 経過記録 that followups.services.followup_record and
visit_record write).

Plug-in for tsunagu.cases.timeline (found through core.registry.app_modules("timeline")). The caller passes
case ids it has read through the policy; only those cases' rows are read here.
"""

from django.urls import reverse

from tsunagu.core.timeline import TimelineEntry
from tsunagu.sharing import policy

from .models import CaseClosure, FollowUp, FollowUpStatus, VisitPlan


def case_entries(case_ids, actor, *, limit: int = 100) -> list[TimelineEntry]:
    visible = policy.visible_case_ids(actor, case_ids)
    rows = []
    for f in FollowUp.objects.filter(case_id__in=visible, status=FollowUpStatus.PLANNED).select_related("agency").order_by("-due_on")[:limit]:
        url = reverse("followups:record", args=[f.pk]) if f.agency_id == actor.agency_id else ""
        rows.append(TimelineEntry(f.due_on, "フォローアップ", f"{f.get_method_display()}（予定）", "", url, f.agency.name, "予定"))
    for v in VisitPlan.objects.filter(case_id__in=visible).select_related("agency")[:limit]:
        url = reverse("followups:visit_record", args=[v.pk]) if v.agency_id == actor.agency_id else ""
        rows.append(TimelineEntry(v.due_on, "訪問", f"次回の訪問（予定・{v.get_frequency_display()}）", v.checks, url,
                                  v.agency.name, "予定"))
    for c in CaseClosure.objects.filter(case_id__in=visible).select_related("agency")[:limit]:
        rows.append(TimelineEntry(c.closed_on, "終結", "終結" + ("（フォローアップあり）" if c.schedule_id else ""),
                                  c.no_followup_reason, "", c.agency.name))
    return rows
