from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_save


class Config(AppConfig):
    name = "tsunagu.sharing"
    label = "sharing"

    def ready(self) -> None:
        # Any write that can change a sharing basis invalidates the Scopes cached on actors (sharing.policy).
        from tsunagu.cases.models import Case  # noqa: PLC0415 — models load only once the app registry is ready
        from tsunagu.meetings.models import AgendaItem, MeetingMember  # noqa: PLC0415 — models load only once the app registry is ready
        from tsunagu.people.models import HouseholdMember  # noqa: PLC0415 — models load only once the app registry is ready

        from . import policy  # noqa: PLC0415 — models load only once the app registry is ready (the policy imports them)
        from .models import Consent, VitalInterestDisclosure  # noqa: PLC0415 — models load only once the app registry is ready

        for model in (Consent, VitalInterestDisclosure, MeetingMember, AgendaItem, HouseholdMember, Case):
            saved = policy.case_saved if model is Case else policy.sharing_changed  # a case's edits: policy.CASE_COLUMNS_READ
            post_save.connect(saved, sender=model, dispatch_uid=f"sharing-{model.__name__}-save")
            post_delete.connect(policy.sharing_changed, sender=model, dispatch_uid=f"sharing-{model.__name__}-delete")
        m2m_changed.connect(policy.sharing_changed, sender=Consent.agencies.through, dispatch_uid="sharing-consent-agencies")
