"""Reads for persons and households. Access is applied by the caller through sharing.policy.visible."""

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from .models import Household, HouseholdMember


def current_members(household: Household) -> QuerySet:
    today = timezone.localdate()
    return household.members.filter(joined_on__lte=today).exclude(left_on__lte=today).select_related("person")


def households_with_members(qs: QuerySet) -> QuerySet:
    today = timezone.localdate()
    current = HouseholdMember.objects.exclude(left_on__lte=today).select_related("person")
    return qs.prefetch_related(Prefetch("members", queryset=current, to_attr="current_members"))
