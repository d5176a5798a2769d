"""Writes: ecomap ties on a case and genogram figures on a household. The caller read the case or household
through the policy; ending a tie keeps it on record (nothing is deleted)."""

from collections.abc import Sequence
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from tsunagu.cases.models import Case
from tsunagu.people.models import Household, Person

from .models import EcomapTie, GenogramFigure, TieFlow, TieKind, TieStrength, UnionStatus


@transaction.atomic
def tie_add(*, actor, case: Case, kind: str, strength: str, agency=None, label: str = "", flow: str = "",
            note: str = "", started_on: date | None = None) -> EcomapTie:
    if kind not in TieKind.values:
        raise ValidationError({"kind": "種類を選んでください。"})
    if strength not in TieStrength.values:
        raise ValidationError({"strength": "つながりの強さを選んでください。"})
    if flow not in TieFlow.values:
        raise ValidationError({"flow": "向きの値が正しくありません。"})
    label = (label or "").strip()[:100]
    if kind == TieKind.AGENCY and agency is None:
        raise ValidationError({"agency": "関係機関を選んでください。"})
    if kind != TieKind.AGENCY and not label:
        raise ValidationError({"label": "社会資源や人の名前（例: 見守り隊、近所の田中さん）を入力してください。"})
    if agency is not None and case.ecomap_ties.filter(agency=agency, ended_on__isnull=True).exists():
        raise ValidationError({"agency": f"{agency.name}とのつながりはすでに記録されています。"})
    return EcomapTie.objects.create(case=case, kind=kind, agency=agency if kind == TieKind.AGENCY else None, label=label,
                                    strength=strength, flow=flow, note=(note or "")[:200],
                                    started_on=started_on or timezone.localdate(), recorded_by_id=actor.agency_id,
                                    created_by=actor.staff)


@transaction.atomic
def tie_end(*, actor, tie: EcomapTie, ended_on: date | None = None) -> EcomapTie:
    if actor.agency_id not in (tie.recorded_by_id, tie.case.lead_agency_id):
        raise PermissionDenied("記録した機関または主担当機関だけが終了できます。")
    if tie.ended_on is not None:
        raise ValidationError("このつながりはすでに終了しています。")
    tie.ended_on = ended_on or timezone.localdate()
    tie.save(update_fields=["ended_on"])
    return tie


@transaction.atomic
def figure_add(*, actor, household: Household, label: str = "", sex: str = "", birth_year: int | None = None,
               deceased: bool = False, partner_of: Person | None = None, union_status: str = "",
               parent_of: Sequence[Person] = (), person: Person | None = None) -> GenogramFigure:
    """Someone outside the household (元妻, 亡くなった父) — or, with `person`, a note on a member (deceased)."""
    if person is None and not (label or "").strip():
        raise ValidationError({"label": "呼び方（例: 元妻、亡くなった母）を入力してください。"})
    if sex not in ("", "M", "F"):
        raise ValidationError({"sex": "性別の値が正しくありません。"})
    if union_status and union_status not in UnionStatus.values:
        raise ValidationError({"union_status": "関係の値が正しくありません。"})
    if birth_year is not None and not 1880 <= birth_year <= timezone.localdate().year:
        raise ValidationError({"birth_year": "生まれ年は西暦4桁で入力してください。"})
    figure = GenogramFigure.objects.create(household=household, person=person, label=(label or "").strip()[:50], sex=sex,
                                           birth_year=birth_year, deceased=deceased, partner_of=partner_of,
                                           union_status=union_status if partner_of else "", recorded_by_id=actor.agency_id)
    figure.parent_of.set(parent_of)
    return figure
