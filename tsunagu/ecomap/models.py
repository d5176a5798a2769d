"""Genogram and ecomap facts that the household record does not already hold.

- `EcomapTie`: a connection recorded on a case — an agency, a social resource or an informal person (a
  neighbour, a relative elsewhere) — with its quality: strong, weak or stressful.
- `GenogramFigure`: someone who belongs in the family picture but not in the household (a divorced spouse, a
  deceased parent), or a note on a household member (deceased). Read through the household's access.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords


class TieKind(models.TextChoices):
    AGENCY = "agency", "関係機関"
    RESOURCE = "resource", "社会資源"
    INFORMAL = "informal", "家族・知人・地域の人"


class TieStrength(models.TextChoices):
    STRONG = "strong", "強い"
    WEAK = "weak", "弱い"
    STRESSFUL = "stressful", "ストレス・葛藤のある"


class TieFlow(models.TextChoices):
    NONE = "", "—"
    TO_CASE = "to_case", "支援を受けている（→本人・世帯）"
    FROM_CASE = "from_case", "本人・世帯から向かう（本人・世帯→）"
    BOTH = "both", "双方向"


class EcomapTie(models.Model):
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="ecomap_ties", verbose_name="支援ケース")
    kind = models.CharField("種類", max_length=20, choices=TieKind.choices)
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name="関係機関")
    label = models.CharField("名称（社会資源・人）", max_length=100, blank=True)
    strength = models.CharField("つながり", max_length=20, choices=TieStrength.choices, default=TieStrength.WEAK)
    flow = models.CharField("向き", max_length=20, choices=TieFlow.choices, blank=True, default="")
    note = models.CharField("メモ", max_length=200, blank=True)
    started_on = models.DateField("開始", default=timezone.localdate)
    ended_on = models.DateField("終了", null=True, blank=True)
    recorded_by = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "エコマップのつながり"
        ordering = ["kind", "id"]
        indexes = [models.Index(fields=["case", "ended_on"])]
        constraints = [models.CheckConstraint(
            condition=models.Q(agency__isnull=False) | ~models.Q(label=""), name="tie_names_agency_or_label")]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.agency.name if self.agency is not None else self.label


class UnionStatus(models.TextChoices):
    MARRIED = "married", "婚姻"
    DIVORCED = "divorced", "離婚"
    SEPARATED = "separated", "別居"
    PARTNERS = "partners", "内縁・事実婚"


class GenogramFigure(models.Model):
    """A person in the family picture outside the household (`person` empty), or a note on a household member."""

    parent_ids: list[int]  # the children it is a parent of, set by queries.household_picture for the drawing

    household = models.ForeignKey("people.Household", on_delete=models.PROTECT, related_name="genogram_figures")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    label = models.CharField("呼び方（例: 元妻）", max_length=50, blank=True)
    sex = models.CharField("性別", max_length=1, blank=True, default="")
    birth_year = models.PositiveSmallIntegerField("生まれ年", null=True, blank=True)
    deceased = models.BooleanField("死亡", default=False)
    # Relations to household members, by Person id: partner (with the union's status) and parent.
    partner_of = models.ForeignKey("people.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    union_status = models.CharField("関係", max_length=20, choices=UnionStatus.choices, blank=True, default="")
    parent_of = models.ManyToManyField("people.Person", blank=True, related_name="+")
    recorded_by = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords(m2m_fields=[])

    class Meta:
        verbose_name = verbose_name_plural = "ジェノグラムの補足"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.label or str(self.person_id)
