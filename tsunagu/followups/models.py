"""つながり続ける支援: follow-up schedules after support ends, the record of why a case closed without one,
アウトリーチ (signs about someone who has not asked for help, and the visits made), and 部署異動 handovers.

Who may read a follow-up is decided by its case (tsunagu.sharing.policy), an outreach entry by
`policy.visible_outreach`. Nothing is hard-deleted; simple_history keeps every version.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords


class FollowUpMethod(models.TextChoices):
    PHONE = "phone", "電話"
    VISIT = "visit", "訪問"
    VISIT_IN = "visit_in", "来所"
    LETTER = "letter", "手紙・メール"
    VIA_OTHERS = "via_others", "関係機関・地域から様子を聞く"


class FollowUpSchedule(models.Model):
    """e.g. 「毎月、6か月間」: the rows of FollowUp it created are the plan; this keeps why and by whom."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="followup_schedules", verbose_name="支援ケース")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+", verbose_name="担当機関")
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                              verbose_name="担当者")
    interval_months = models.PositiveSmallIntegerField("間隔（か月）", default=1)
    occurrences = models.PositiveSmallIntegerField("回数", default=6)
    starts_on = models.DateField("初回")
    method = models.CharField("方法", max_length=20, choices=FollowUpMethod.choices, default=FollowUpMethod.PHONE)
    purpose = models.TextField("目的・確認すること", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "フォローアップ計画"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.interval_months}か月ごと×{self.occurrences}回"


class FollowUpStatus(models.TextChoices):
    PLANNED = "planned", "予定"
    DONE = "done", "実施"
    NO_CONTACT = "no_contact", "連絡がとれなかった"
    CANCELLED = "cancelled", "取りやめ"


class FollowUp(models.Model):
    """One scheduled contact. Overdue when still 予定 after its due date: then it is on the 制度の狭間 list."""

    schedule = models.ForeignKey(FollowUpSchedule, on_delete=models.PROTECT, null=True, blank=True, related_name="followups")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="followups", verbose_name="支援ケース")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="followups", verbose_name="担当機関")
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="followups", verbose_name="担当者")
    due_on = models.DateField("予定日", db_index=True)
    method = models.CharField("方法", max_length=20, choices=FollowUpMethod.choices, default=FollowUpMethod.PHONE)
    status = models.CharField("状況", max_length=20, choices=FollowUpStatus.choices, default=FollowUpStatus.PLANNED)
    done_on = models.DateField("実施日", null=True, blank=True)
    note = models.TextField("様子・記録", blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "フォローアップ"
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["agency", "status", "due_on"]), models.Index(fields=["status", "due_on"]),
                   models.Index(fields=["staff", "status"])]

    def __str__(self) -> str:
        return f"{self.case_id} {self.due_on}"

    def is_overdue(self, today) -> bool:
        return self.status == FollowUpStatus.PLANNED and self.due_on < today


class CaseClosure(models.Model):
    """終結の記録: a case closes with a follow-up schedule, or with the reason none is needed."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="closures", verbose_name="支援ケース")
    closed_on = models.DateField("終結日", default=timezone.localdate)
    schedule = models.ForeignKey(FollowUpSchedule, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    no_followup_reason = models.TextField("フォローアップをしない理由", blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "終結の記録"
        ordering = ["-closed_on", "-id"]
        constraints = [models.CheckConstraint(
            condition=models.Q(schedule__isnull=False) | ~models.Q(no_followup_reason=""), name="closure_has_schedule_or_reason")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.closed_on}"


class NoticedBy(models.TextChoices):
    STAFF = "staff", "職員"
    NEIGHBOUR = "neighbour", "近隣住民"
    VOLUNTEER = "volunteer", "民生委員・見守り隊"
    AGENCY = "agency", "関係機関"
    BUSINESS = "business", "事業者（新聞・配達・検針など）"
    FAMILY = "family", "家族・親族"


class OutreachStatus(models.TextChoices):
    OPEN = "open", "気がかり（未接触）"
    VISITING = "visiting", "訪問中"
    CONNECTED = "connected", "つながった"
    CLOSED = "closed", "終了"


ACTIVE_OUTREACH = [OutreachStatus.OPEN, OutreachStatus.VISITING]


class Outreach(models.Model):
    """アウトリーチ: signs noticed about someone who has not asked for help (ひきこもり, セルフネグレクト …)."""

    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="outreach", verbose_name="記録した機関")
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="outreach",
                              verbose_name="担当者")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="outreach",
                               verbose_name="本人")
    household = models.ForeignKey("people.Household", on_delete=models.PROTECT, null=True, blank=True, related_name="outreach",
                                  verbose_name="世帯")
    target = models.CharField("対象（わかる範囲で）", max_length=200)
    signs = models.TextField("気づいたこと")
    noticed_by = models.CharField("気づいた人", max_length=20, choices=NoticedBy.choices)
    noticed_on = models.DateField("気づいた日", default=timezone.localdate)
    status = models.CharField("状況", max_length=20, choices=OutreachStatus.choices, default=OutreachStatus.OPEN, db_index=True)
    closed_reason = models.TextField("終了の理由", blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    archived_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "アウトリーチ"
        ordering = ["-noticed_on", "-id"]
        indexes = [models.Index(fields=["agency", "status"])]

    def __str__(self) -> str:
        return self.target


class OutreachVisit(models.Model):
    outreach = models.ForeignKey(Outreach, on_delete=models.PROTECT, related_name="visits")
    visited_on = models.DateField("訪問日", default=timezone.localdate)
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="訪問者")
    met = models.BooleanField("本人に会えた", default=False)
    note = models.TextField("様子")
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "アウトリーチの訪問"
        ordering = ["-visited_on", "-id"]

    def __str__(self) -> str:
        return f"{self.outreach_id} {self.visited_on}"


class Handover(models.Model):
    """部署異動: one step that moved a leaving worker's open work to a named successor. The moved rows keep
    their history (each carries a new version naming the successor); this row says what moved, when and why."""

    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+", verbose_name="機関")
    from_staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="前任者")
    to_staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="後任者")
    performed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    performed_at = models.DateTimeField(default=timezone.now)
    note = models.TextField("引継ぎのメモ", blank=True)
    case_ids = models.JSONField(default=list)
    followup_ids = models.JSONField(default=list)
    outreach_ids = models.JSONField(default=list)
    action_item_ids = models.JSONField(default=list)

    class Meta:
        verbose_name = verbose_name_plural = "引継ぎ（部署異動）"
        ordering = ["-performed_at"]

    def __str__(self) -> str:
        return f"{self.from_staff_id} → {self.to_staff_id}"


class VisitFrequency(models.TextChoices):
    """訪問頻度: how often a case (or its household) is visited. DATE: no rhythm, the next date is set each time."""

    WEEKLY = "weekly", "週1回"
    BIWEEKLY = "biweekly", "2週に1回"
    MONTHLY = "monthly", "月1回"
    BIMONTHLY = "bimonthly", "2か月に1回"
    QUARTERLY = "quarterly", "3か月に1回"
    HALF_YEARLY = "half_yearly", "半年に1回"
    DATE = "date", "日付を指定"


# (days, months) between two visits of each frequency; DATE has none.
FREQUENCY_STEP = {VisitFrequency.WEEKLY: (7, 0), VisitFrequency.BIWEEKLY: (14, 0), VisitFrequency.MONTHLY: (0, 1),
                  VisitFrequency.BIMONTHLY: (0, 2), VisitFrequency.QUARTERLY: (0, 3), VisitFrequency.HALF_YEARLY: (0, 6)}


class VisitPlan(models.Model):
    """訪問計画: one agency's visits to a case (or, `household_wide`, to the case's household as a whole), at a
    frequency. `due_on` is the next visit; overdue when it has passed. `route_position` orders the worker's 訪問予定表
    for the day the visit is due. A visit is recorded on the case's 経過記録; the plan keeps the last one's date."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="visit_plans", verbose_name="支援ケース")
    household_wide = models.BooleanField("世帯として訪問する", default=False)
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+", verbose_name="担当機関")
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                              verbose_name="担当者")
    frequency = models.CharField("訪問頻度", max_length=20, choices=VisitFrequency.choices)
    due_on = models.DateField("次回の訪問予定日", db_index=True)
    checks = models.TextField("確認すること", blank=True)
    last_visited_on = models.DateField("前回の訪問日", null=True, blank=True)
    route_position = models.PositiveIntegerField("訪問順", default=0, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "訪問計画"
        ordering = ["due_on", "route_position", "id"]
        indexes = [models.Index(fields=["agency", "due_on"]), models.Index(fields=["staff", "due_on"])]
        constraints = [models.UniqueConstraint(fields=["agency", "case"], name="one_visit_plan_per_agency_and_case")]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.get_frequency_display()}"

    def is_overdue(self, today) -> bool:
        return self.due_on < today
