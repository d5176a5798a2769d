from django.apps import AppConfig


class Config(AppConfig):
    name = "tsunagu.sharing"
    label = "sharing"

    def ready(self):
        # Any write that can change a sharing basis invalidates the Scopes cached on actors (sharing.policy).
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from tsunagu.cases.models import Case
        from tsunagu.meetings.models import AgendaItem, MeetingMember
        from tsunagu.people.models import HouseholdMember

        from . import policy
        from .models import Consent, VitalInterestDisclosure

        for model in (Consent, VitalInterestDisclosure, MeetingMember, AgendaItem, HouseholdMember, Case):
            post_save.connect(policy.sharing_changed, sender=model, dispatch_uid=f"sharing-{model.__name__}-save")
            post_delete.connect(policy.sharing_changed, sender=model, dispatch_uid=f"sharing-{model.__name__}-delete")
        m2m_changed.connect(policy.sharing_changed, sender=Consent.agencies.through, dispatch_uid="sharing-consent-agencies")
