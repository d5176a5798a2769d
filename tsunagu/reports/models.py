"""事業目標・評価指標 of the 実施計画 (社会福祉法第106条の5): the yearly targets the planner sets, each on one figure of
the 集計, for the municipality as a whole. Figures and targets name no one."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class Target(models.Model):
    """One target of a 年度: the guideline's example it stands for (`reports.targets.GUIDELINE`), or the planner's own."""

    fiscal_year = models.PositiveIntegerField("年度")
    title = models.CharField("事業目標・評価指標", max_length=200)
    figure = models.CharField("集計の項目", max_length=40)  # a key of reports.figures.BY_KEY
    value = models.DecimalField("目標値", max_digits=12, decimal_places=1)
    guideline = models.CharField("指針の例", max_length=40, blank=True, default="")
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                               verbose_name="設定した職員")
    updated_at = models.DateTimeField("更新日時", default=timezone.now)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "事業目標・評価指標"
        ordering = ["fiscal_year", "pk"]
        constraints = [models.UniqueConstraint(fields=["fiscal_year", "title"], name="reports_target_one_title_a_year")]

    def __str__(self) -> str:
        return f"{self.fiscal_year} {self.title}"


class Publication(models.Model):
    """公表: the figures of a 年度 as the municipality published them (every agency's cells, each figure by the
    definition in force that year), kept as they were. Later changes to the records — a consultation taken back
    (取消), a sitting marked held late — never rewrite them: they show as corrections (`reports.published`)."""

    fiscal_year = models.PositiveIntegerField("年度")
    published_at = models.DateTimeField("公表日時", default=timezone.now)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name="公表を記録した職員")
    note = models.CharField("備考", max_length=200, blank=True)
    snapshot = models.JSONField("公表した値")  # reports.published.snapshot_of

    class Meta:
        verbose_name = verbose_name_plural = "集計の公表"
        ordering = ["fiscal_year", "-published_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.fiscal_year} {self.published_at:%Y-%m-%d}"


class PublicationStyle(models.Model):
    """How the municipality prints a hidden small cell in its published figures (秘匿の記号): one row."""

    symbol = models.CharField("秘匿の記号", max_length=3, default="*")
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+",
                                   verbose_name="設定した職員")
    updated_at = models.DateTimeField("更新日時", default=timezone.now)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "公表用の秘匿の記号"

    def __str__(self) -> str:
        return self.symbol
