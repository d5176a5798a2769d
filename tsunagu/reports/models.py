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
