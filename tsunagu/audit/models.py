"""閲覧記録: an append-only log of every read of personal data, with the legal basis it was read on."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class SharingBasis(models.TextChoices):
    """情報共有の根拠: why this agency may see this person. Decided by tsunagu.sharing.policy only."""

    OWN_AGENCY = "own_agency", "自機関の記録"
    CONSENT = "consent", "本人同意"
    SUPPORT_MEETING = "support_meeting", "支援会議（社会福祉法106条の6）"
    CHILD_PROTECTION_COUNCIL = "child_protection_council", "要保護児童対策地域協議会"
    VITAL_INTEREST = "vital_interest", "生命・身体の保護（緊急）"
    LINKAGE_REVIEW = "linkage_review", "名寄せの確認（多機関協働の担当）"
    DISCLOSURE_REQUEST = "disclosure_request", "開示請求（個人情報保護法第76条）"


class AccessAction(models.TextChoices):
    VIEW = "view", "閲覧"
    LIST = "list", "一覧"
    SEARCH = "search", "検索"
    SUGGEST = "suggest", "候補表示"
    EDIT = "edit", "編集"
    EXPORT = "export", "出力"
    PRINT = "print", "印刷"
    API = "api", "API"
    DISCLOSE = "disclose", "提供（共有の開始）"


class ImmutableQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("閲覧記録は変更できません。")

    def delete(self):
        raise PermissionError("閲覧記録は削除できません。")


class AccessLog(models.Model):
    at = models.DateTimeField("日時", default=timezone.now, db_index=True)
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="職員"
    )
    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, null=True, related_name="+", verbose_name="機関"
    )
    action = models.CharField("操作", max_length=10, choices=AccessAction.choices)
    object_type = models.CharField("対象の種類", max_length=50)
    object_id = models.CharField("対象ID", max_length=40)
    basis = models.CharField("根拠", max_length=30, choices=SharingBasis.choices)
    basis_detail = models.CharField("根拠の詳細", max_length=200, blank=True)
    path = models.CharField("画面・API", max_length=300, blank=True)

    objects = ImmutableQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "閲覧記録"
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            models.Index(fields=["staff", "at"]),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.staff_id} {self.action} {self.object_type}#{self.object_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("閲覧記録は変更できません。")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("閲覧記録は削除できません。")
