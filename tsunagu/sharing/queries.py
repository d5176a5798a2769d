from collections.abc import Iterable

from django.db.models import Q, QuerySet
from django.utils import timezone

from .models import Consent, Inquiry, InquiryStatus, VitalInterestDisclosure


def persons_with_active_consent(person_ids: Iterable[int]) -> set[int]:
    today = timezone.localdate()
    rows = Consent.objects.filter(person_id__in=person_ids, given_on__lte=today).filter(
        Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=today), Q(expires_on__isnull=True) | Q(expires_on__gte=today))
    return set(rows.values_list("person_id", flat=True))


def open_inquiries() -> QuerySet[Inquiry]:
    """照会 for the coordinators (they see which agencies hold a possible match — nothing of those records)."""
    return (Inquiry.objects.filter(status=InquiryStatus.OPEN).select_related("from_agency", "from_staff")
            .prefetch_related("holder_agencies"))


def unreviewed_disclosures() -> QuerySet[VitalInterestDisclosure]:
    return VitalInterestDisclosure.objects.filter(reviewed_at__isnull=True).select_related("from_agency", "to_agency")
