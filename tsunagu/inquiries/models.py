"""住民の入口: 相談の申込み (HelpRequest), sent by a resident without signing in, waiting (受付待ち) in the
coordinator's queue until she takes it into a consultation (断らない相談) or passes it to an agency.

The texts a resident reads are marked for translation (the public pages speak seven languages); the staff read
the same choices in Japanese, the source language.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Who(models.TextChoices):
    """だれのことか"""

    SELF = "self", _("自分のこと")
    FAMILY = "family", _("家族のこと")
    SOMEONE = "someone", _("友だち・近所の人のこと")


class Topic(models.TextChoices):
    """何に困っているか (each shown with a pictogram)"""

    MONEY = "money", _("お金・仕事")
    HOME = "home", _("住むところ")
    FOOD = "food", _("食べるもの")
    HEALTH = "health", _("からだ・こころ")
    FAMILY = "family", _("家族・子育て")
    CARE = "care", _("介護・障害")
    SCHOOL = "school", _("学校・ひきこもり")
    VIOLENCE = "violence", _("暴力・いじめ")
    LANGUAGE = "language", _("ことば・手続き")
    OTHER = "other", _("その他")


class ContactMethod(models.TextChoices):
    PHONE = "phone", _("電話")
    EMAIL = "email", _("メール")


class ContactTime(models.TextChoices):
    ANY = "any", _("いつでもよい")
    MORNING = "morning", _("午前")
    AFTERNOON = "afternoon", _("午後")


class Urgency(models.TextChoices):
    NOW = "now", _("今すぐ危ない")
    SOON = "soon", _("早く話したい")
    LATER = "later", _("急がない")


class Status(models.TextChoices):
    PENDING = "pending", "受付待ち"
    ACCEPTED = "accepted", "相談として受付"
    PASSED = "passed", "機関へ引継ぎ"


class HelpRequest(models.Model):
    """相談の申込み: what the resident wrote, owned by the coordinator's agency (`owner_agency`)."""

    owner_agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="help_requests",
                                     verbose_name="受付機関")
    received_at = models.DateTimeField("申込日時", auto_now_add=True)
    language = models.CharField("ことば", max_length=12)
    who = models.CharField("だれのことか", max_length=10, choices=Who.choices)
    topics = models.JSONField("困りごと", default=list, blank=True)
    message = models.TextField("内容", blank=True)
    name = models.CharField("呼び名", max_length=60, blank=True)
    contact_method = models.CharField("連絡の方法", max_length=10, choices=ContactMethod.choices)
    contact = models.CharField("連絡先", max_length=120)
    contact_time = models.CharField("連絡してよい時間", max_length=10, choices=ContactTime.choices,
                                    default=ContactTime.ANY)
    urgency = models.CharField("急ぎ", max_length=10, choices=Urgency.choices)
    status = models.CharField("状況", max_length=10, choices=Status.choices, default=Status.PENDING)
    consultation = models.ForeignKey("cases.Consultation", on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name="受け付けた相談")
    passed_to = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="passed_help_requests", verbose_name="引継ぎ先")
    pass_note = models.CharField("引継ぎの理由", max_length=200, blank=True)
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name="対応者")
    handled_at = models.DateTimeField("対応日時", null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "相談の申込み"
        indexes = [models.Index(fields=["owner_agency", "status", "received_at"], name="helprequest_queue")]

    def __str__(self) -> str:
        return f"相談の申込み #{self.pk}"

    def topic_labels(self) -> list[str]:
        labels = dict(Topic.choices)
        return [str(labels[t]) for t in self.topics if t in labels]


class SendingWindow(models.Model):
    """How many 相談の申込み one client address sent in one hour — the per-address limit, without outside services.
    The address is kept only as a keyed hash (HMAC with SECRET_KEY), apart from the requests: nothing ties a
    request to the address it came from."""

    address_key = models.CharField(max_length=64)
    hour = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["address_key", "hour"], name="sending_window_once")]

    def __str__(self) -> str:
        return f"{self.hour:%Y-%m-%d %H}時: {self.count}件"
