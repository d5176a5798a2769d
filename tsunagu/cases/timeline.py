"""One timeline per case and per household (view layer: it reads through sharing.policy)."""

from django.db.models import Q
from django.urls import reverse

from tsunagu.core.registry import app_modules
from tsunagu.core.timeline import TimelineEntry
from tsunagu.people.models import Person
from tsunagu.sharing import policy

from .models import Assessment, Case, CaseNote, CaseTransfer, Consultation, Referral, SupportPlan


def case_timeline(case_ids, actor, *, consultations_q: Q | None = None, limit: int = 200, case=None,
                  referrals: list[Referral] | None = None) -> list[TimelineEntry]:
    """One timeline merging consultations, assessments, plans, notes and referrals the actor may see.

    `case`: the one case the page already holds through policy.get_or_404 — its rows are then read with
    policy.within_case (same rule, less SQL). `referrals`: the case's referrals as the page already read them
    through policy.visible."""
    def rows(qs):
        return policy.within_case(qs, actor, case) if case is not None else policy.visible(qs, actor)

    entries: list[TimelineEntry] = []
    cons_q = Q(case_id__in=case_ids) | (consultations_q or Q(pk__in=[]))
    for c in rows(Consultation.objects.filter(cons_q)).select_related("agency")[:limit]:
        voided = c.voided_at is not None  # 取消: it stays in the history, marked, with its reason
        entries.append(TimelineEntry(c.received_on, "相談受付",
                                     ("【取消】" if voided else "") + f"{c.get_route_display()}・{c.get_consulter_display()}",
                                     f"取消の理由: {c.void_reason}\n{c.main_complaint}" if voided else c.main_complaint,
                                     reverse("cases:consultation_print", args=[c.pk]), c.agency.name,
                                     "取消" if voided else "、".join(c.concern_labels)))
    notes = rows(CaseNote.objects.filter(case_id__in=case_ids)).select_related("agency", "staff").prefetch_related("members")
    for n in notes[:limit]:
        about = "、".join(m.name for m in n.members.all())  # every member it names is one the reader has a basis for
        entries.append(TimelineEntry(n.written_on, "経過記録", (n.kind or "記録") + (f"（{about}）" if about else ""), n.body,
                                     reverse("cases:note_edit", args=[n.pk]), n.agency.name, "要対協" if n.compartment else ""))
    visible_cases = policy.visible_case_ids(actor, case_ids)
    for p in SupportPlan.objects.filter(case_id__in=visible_cases).select_related("agency")[:limit]:
        entries.append(TimelineEntry(p.created_at.date(), "支援プラン", f"第{p.revision}版（{p.get_status_display()}）", p.goals,
                                     reverse("cases:plan_edit", args=[p.pk]), p.agency.name))
    assessments = Assessment.objects.filter(case_id__in=visible_cases).select_related("agency", "person")
    # one about a member needs a basis for her, unless the reader's agency wrote it (世帯の一人ひとり)
    assessments = assessments.filter(Q(person__isnull=True) | Q(agency_id=actor.agency_id)
                                     | Q(person__in=policy.visible(Person.objects.all(), actor).values("pk")))
    for a in assessments[:limit]:
        entries.append(TimelineEntry(a.assessed_on, "アセスメント", f"アセスメント（{a.person.name}）" if a.person else
                                     "アセスメント", a.summary, "", a.agency.name))
    for t in CaseTransfer.objects.filter(case_id__in=visible_cases).select_related("from_agency", "to_agency")[:limit]:
        entries.append(TimelineEntry(t.transferred_at.date(), "移管", f"{t.from_agency.name} → {t.to_agency.name}", t.reason,
                                     "", t.from_agency.name, t.get_basis_display()))
    if referrals is None:
        read = policy.visible(Referral.objects.filter(case_id__in=case_ids), actor).select_related("from_agency", "to_agency")
        referrals = list(read[:limit])
    for r in referrals[:limit]:
        entries.append(TimelineEntry(r.sent_at.date(), "つなぎ", f"{r.from_agency.name} → {r.to_agency.name}",
                                     r.request, reverse("cases:referral_detail", args=[r.pk]), r.from_agency.name,
                                     r.get_status_display()))
    entries.extend(_plugged_in_entries(case_ids, actor))
    return sorted(entries, key=lambda e: e.on, reverse=True)


def _plugged_in_entries(case_ids, actor) -> list[TimelineEntry]:
    """Other apps' entries (会議, 参加支援, 伴走型支援): `<app>/timeline.py` with
    `case_entries(case_ids, actor) -> list[TimelineEntry]` (`entries(...)` is accepted too). Each app reads
    through sharing.policy itself."""
    found: list[TimelineEntry] = []
    for module in app_modules("timeline"):
        if module.__name__ == __name__:
            continue
        provider = getattr(module, "case_entries", None) or getattr(module, "entries", None)
        if provider is not None:
            found.extend(provider(case_ids, actor))
    return found


def household_timeline(household, actor) -> list[TimelineEntry]:
    case_ids = list(Case.objects.filter(household=household).values_list("pk", flat=True))
    return case_timeline(case_ids, actor, consultations_q=Q(household=household))


