from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from .actor import ActorRequest
from .models import Agency

PREFIX = "agencies/"
router = Router(tags=["関係機関"])


class AgencyOut(Schema):
    id: int
    name: str
    kana: str
    kind: str
    kind_label: str
    operation: str
    fields: list[str]
    address: str
    phone: str
    active: bool

    @staticmethod
    def resolve_kind_label(obj: Agency) -> str:
        return obj.get_kind_display()


class MembershipOut(Schema):
    agency_id: int
    agency_name: str
    role: str
    job_role: str | None


class MeOut(Schema):
    login_id: str
    name: str
    acting_agency_id: int | None
    memberships: list[MembershipOut]


@router.get("/", response=list[AgencyOut], summary="関係機関の一覧")
def agency_list(request: ActorRequest, active: bool = True) -> QuerySet[Agency]:
    return Agency.objects.filter(active=active)


@router.get("/me", response=MeOut, summary="認証中の職員と所属")
def me(request: ActorRequest) -> dict[str, Any]:
    actor = request.actor
    return {
        "login_id": actor.staff.login_id,
        "name": actor.staff.name,
        "acting_agency_id": actor.agency_id,
        "memberships": [
            {"agency_id": m.agency_id, "agency_name": m.agency.name, "role": m.role,
             "job_role": m.job_role.name if m.job_role else None}
            for m in actor.staff.active_memberships
        ],
    }


@router.get("/{agency_id}", response=AgencyOut, summary="関係機関の詳細")
def agency_detail(request: ActorRequest, agency_id: int) -> Agency:
    return get_object_or_404(Agency, pk=agency_id)
