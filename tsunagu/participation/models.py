"""参加支援: a made-to-order connection of a person (in a case) to a social resource, tracked with the host so it lasts.

Personal data: every read goes through sharing.policy via the case (queries.case_for, queries.visible_placements).
The tables keep the names they had when placements lived in `resources` (migration 0001 moved the models, not the
rows).
"""

from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords


class PlacementPurpose(models.TextChoices):
    WORK_EXPERIENCE = "work_experience", "就労体験"
    PLACE = "place", "居場所"
    LEARNING = "learning", "学習支援"
    VOLUNTEER = "volunteer", "ボランティア"
    OTHER = "other", "その他"


class PlacementStatus(models.TextChoices):
    ACTIVE = "active", "継続中"
    ENDED = "ended", "終了"


class Placement(models.Model):
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="placements", verbose_name="支援ケース")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="placements", verbose_name="本人")
    service = models.ForeignKey("resources.Service", on_delete=models.PROTECT, related_name="placements",
                                verbose_name="社会資源")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+", verbose_name="つないだ機関")
    created_by = models.ForeignKey("agencies.Staff", on_delete=models.PROTECT, related_name="+", verbose_name="記録した職員")
    purpose = models.CharField("目的", max_length=20, choices=PlacementPurpose.choices)
    arrangement = models.TextField("オーダーメイドの内容", blank=True,
                                   help_text="本人に合わせて調整したこと（時間・役割・配慮など）")
    host_contact = models.CharField("受け入れ先の担当者・連絡先", max_length=200, blank=True)
    started_on = models.DateField("開始日", default=timezone.localdate)
    ended_on = models.DateField("終了日", null=True, blank=True)
    end_reason = models.CharField("終了の理由", max_length=200, blank=True)
    status = models.CharField("状態", max_length=10, choices=PlacementStatus.choices, default=PlacementStatus.ACTIVE)
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords(table_name="resources_historicalplacement")

    class Meta:
        db_table = "resources_placement"
        verbose_name = verbose_name_plural = "参加支援"
        ordering = ["-started_on", "-id"]
        indexes = [models.Index(fields=["case", "started_on"])]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()}：{self.service_id}"


class PlacementCheckIn(models.Model):
    """A check-in with the person or the host: how it is going."""

    placement = models.ForeignKey(Placement, on_delete=models.PROTECT, related_name="check_ins")
    on = models.DateField("日付", default=timezone.localdate)
    note = models.TextField("様子")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    staff = models.ForeignKey("agencies.Staff", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "resources_placementcheckin"
        ordering = ["-on", "-id"]

    def __str__(self) -> str:
        return f"{self.on}: {self.note[:20]}"
