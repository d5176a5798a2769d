"""名寄せ screens for the coordinator: the review queue, clusters, merge / keep apart / unmerge / rejoin.

Everyone but a coordinator gets 404. Every person shown is read through tsunagu.sharing.policy and logged.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from tsunagu.agencies.permissions import coordinator_required
from tsunagu.people.models import Person
from tsunagu.sharing import policy

from . import queries, services
from .explain import field_lines, probability_text, reasons, summary
from .models import SEPARATING, DecisionAction, ReviewPair

PAGE_SIZE = 10
def persons_shown(request, ids) -> dict[int, Person]:
    """The persons of the pairs on screen: read through the policy (名寄せの確認) and logged there."""
    return policy.linkage_review_persons(request.actor, ids, path=request.path)


# ---------------------------------------------------------------------------------------------------------
# Review queue
# ---------------------------------------------------------------------------------------------------------


@dataclass
class ReviewItem:
    pair: ReviewPair
    a: Person | None
    b: Person | None

    @property
    def lines(self):
        """In the engine's order: 氏名・読み, 生年月日, 性別, 住所・電話 (the template's rows follow it)."""
        return field_lines(self.pair.explanation)

    @property
    def summary(self) -> str:
        return summary(self.pair.explanation)

    @property
    def reasons(self) -> str:
        """Which fields agree, which differ, which are blank, and what holds the pair back, in plain words."""
        return reasons(self.pair.explanation)

    @property
    def probability_text(self) -> str:
        return probability_text(self.pair.explanation.get("probability", 0))


@coordinator_required
def review(request):
    page = Paginator(queries.open_review_pairs(), PAGE_SIZE).get_page(request.GET.get("page"))
    pairs = list(page)
    shown = persons_shown(request, [i for p in pairs for i in (p.person_a_id, p.person_b_id)])
    items = [ReviewItem(p, shown.get(p.person_a_id), shown.get(p.person_b_id)) for p in pairs]
    recent = list(queries.recent_decisions())
    clusters = queries.clusters_of(d.person_a_id for d in recent)
    return render(request, "linkage/review.html", {
        "page": page, "items": items, **_run_context(),
        "recent": [(d, clusters.get(d.person_a_id)) for d in recent],
    })


@coordinator_required
@require_POST
def review_decide(request, pk: int):
    pair = get_object_or_404(ReviewPair, pk=pk)
    action = request.POST.get("action", "")
    try:
        services.review_pair_decide(actor=request.actor, pair=pair, action=action, reason=request.POST.get("reason", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(f"{reverse('linkage:review')}#pair-{pair.pk}")
    messages.success(request, f"「{DecisionAction(action).label}」を記録しました。取り消すときは本人の結合画面から行えます。")
    return redirect("linkage:review")


# ---------------------------------------------------------------------------------------------------------
# Clusters: the rows linked as one person, with unmerge and rejoin
# ---------------------------------------------------------------------------------------------------------


@coordinator_required
def cluster_list(request):
    page = Paginator(queries.merged_clusters(), 50).get_page(request.GET.get("page"))
    return render(request, "linkage/cluster_list.html", {"page": page, **_run_context()})


def _run_context() -> dict:
    """The last successful run and the state of 名寄せ (a run in progress, with its stage), for `_run.html`."""
    state = queries.run_state()
    return {"run": state.last_done, "state": state}


@coordinator_required
def run_progress(request):
    """`_run.html` alone: the pages poll it every few seconds while a run is in progress, and reload once it ends."""
    context = _run_context()
    response = render(request, "linkage/_run.html", context)
    if request.headers.get("HX-Request") and not context["state"].running:
        response["HX-Refresh"] = "true"  # the run has ended: the page's list is the new run's
    return response


@coordinator_required
def cluster_detail(request, cluster: int):
    member_ids = queries.cluster_person_ids(cluster)
    if not member_ids:
        raise Http404
    decisions = list(queries.decisions_about(member_ids))
    separated_ids = _separated(member_ids, decisions)
    shown = persons_shown(request, member_ids + separated_ids)
    return render(request, "linkage/cluster.html", {
        "cluster": cluster, "members": [shown[i] for i in member_ids if i in shown],
        "separated": [shown[i] for i in separated_ids if i in shown], "decisions": decisions,
        "clusters_of": queries.clusters_of(separated_ids),
    })


def _separated(member_ids: list[int], decisions) -> list[int]:
    """Rows outside the cluster whose latest decision with one of its rows says 'not the same person'."""
    members, latest = set(member_ids), {}
    for d in sorted(decisions, key=lambda d: d.pk):
        latest[(d.person_a_id, d.person_b_id)] = d.action
    found = {b if a in members else a for (a, b), action in latest.items() if action in SEPARATING}
    return sorted(found - members)


@coordinator_required
@require_POST
def cluster_unmerge(request, cluster: int):
    person = _person_in(request, cluster, member=True)
    # The cluster is numbered by its smallest row: if that row leaves, the rest take the next smallest.
    rest = [i for i in queries.cluster_person_ids(cluster) if i != person.pk]
    try:
        services.person_unmerge(actor=request.actor, person=person, reason=request.POST.get("reason", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("linkage:cluster", cluster=cluster)
    messages.success(request, f"記録 #{person.pk} をこの本人から切り離しました。元に戻すときは「再結合」を押してください。")
    return redirect("linkage:cluster", cluster=cluster if cluster != person.pk else min(rest, default=cluster))


@coordinator_required
@require_POST
def cluster_rejoin(request, cluster: int):
    person = _person_in(request, cluster, member=False)
    try:
        services.person_rejoin(actor=request.actor, person=person, cluster=cluster, reason=request.POST.get("reason", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("linkage:cluster", cluster=cluster)
    messages.success(request, f"記録 #{person.pk} をこの本人に再結合しました。")
    return redirect("linkage:cluster", cluster=queries.cluster_of(person.pk) or cluster)


def _person_in(request, cluster: int, *, member: bool) -> Person:
    try:
        pk = int(request.POST.get("person", ""))
    except ValueError:
        raise Http404 from None
    if (queries.cluster_of(pk) == cluster) != member:
        raise Http404
    return get_object_or_404(Person, pk=pk)
