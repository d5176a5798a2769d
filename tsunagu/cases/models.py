"""相談受付, 支援ケース, アセスメント, 支援プラン, 経過記録 and つなぎ (closed-loop referrals).

Rows belong to the agency that recorded them. Who else may read them is decided by tsunagu.sharing.policy,
never here. `compartment` marks what was recorded under the 要保護児童対策地域協議会: the policy never shows
such a row outside that council. Nothing is hard-deleted; corrections are versions (simple_history + `version`).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from tsunagu.audit.models import SharingBasis


class Compartment(models.TextChoices):
    NONE = "", "通常"
    CHILD_PROTECTION_COUNCIL = "child_protection_council", "要保護児童対策地域協議会"


class Route(models.TextChoices):
    """経路"""

    VISIT_IN = "visit_in", "来所"
    PHONE = "phone", "電話"
    HOME_VISIT = "home_visit", "訪問"
    EMAIL = "email", "メール"
    AGENCY = "agency", "関係機関から"
    OUTREACH = "outreach", "アウトリーチ"


class Consulter(models.TextChoices):
    """相談者"""

    SELF = "self", "本人"
    FAMILY = "family", "家族"
    NEIGHBOUR = "neighbour", "近隣"
    AGENCY = "agency", "関係機関"
    OTHER = "other", "その他"


class Concern(models.TextChoices):
    """相談内容・課題: the 相談受付・申込票 check list; the 分野 each one points to is tsunagu.rules.household's
    CONCERN_FIELDS."""

    HEALTH_DISABILITY = "health_disability", "健康・障害"
    HOUSING = "housing", "住まい"
    INCOME = "income", "収入・生活費"
    RENT_LOAN = "rent_loan", "家賃・ローン"
    ARREARS = "arrears", "税・公共料金の滞納"
    DEBT = "debt", "債務"
    JOB_SEARCH = "job_search", "仕事探し"
    WORKPLACE = "workplace", "職場の悩み"
    COMMUNITY = "community", "地域との関係"
    FAMILY = "family", "家族関係"
    CHILDCARE = "childcare", "子育て"
    CARE = "care", "介護"
    WITHDRAWAL = "withdrawal", "ひきこもり・不登校"
    ABUSE = "abuse", "DV・虐待"
    FOOD = "food", "食べるものがない"
    HOARDING = "hoarding", "ごみ屋敷"
    DEMENTIA = "dementia", "認知症"
    OTHER = "other", "その他"


class Urgency(models.TextChoices):
    LOW = "low", "通常"
    MEDIUM = "medium", "早めの対応"
    HIGH = "high", "緊急"


class Outcome(models.TextChoices):
    INFO_ONLY = "info_only", "情報提供で終了"
    CONTINUE = "continue", "継続支援（支援ケースへ）"
    REFERRAL = "referral", "つなぎ"


class Consultation(models.Model):
    """相談受付: one contact, recorded in under a minute."""

    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="consultations", verbose_name="受付機関")
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="受付者")
    received_on = models.DateField("受付日", default=timezone.localdate, db_index=True)
    route = models.CharField("経路", max_length=20, choices=Route.choices)
    consulter = models.CharField("相談者", max_length=20, choices=Consulter.choices)
    consulter_name = models.CharField("相談者の氏名・関係", max_length=100, blank=True)
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="consultations", verbose_name="本人")
    household = models.ForeignKey("people.Household", on_delete=models.PROTECT, null=True, blank=True, related_name="consultations", verbose_name="世帯")
    main_complaint = models.TextField("主訴")
    concerns = models.JSONField("相談内容・課題", default=list, blank=True)
    primary_concern = models.CharField("最も困っていること（◎）", max_length=30, choices=Concern.choices, blank=True)
    urgency = models.CharField("緊急度", max_length=10, choices=Urgency.choices, default=Urgency.LOW)
    first_response = models.TextField("初期対応", blank=True)
    outcome = models.CharField("結果", max_length=20, choices=Outcome.choices, default=Outcome.INFO_ONLY)
    # 支援状況調査: うち生活保護窓口へのつなぎ (a つなぎ to the 福祉事務所's 生活保護 window)
    referred_to_welfare = models.BooleanField("生活保護窓口へのつなぎ", default=False)
    case = models.ForeignKey("Case", on_delete=models.PROTECT, null=True, blank=True, related_name="consultations", verbose_name="支援ケース")
    compartment = models.CharField("区分", max_length=30, choices=Compartment.choices, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)
    archived_at = models.DateTimeField(null=True, blank=True)
    # 取消: a consultation recorded by mistake leaves the live 集計 and stays in the history, with who and why
    voided_at = models.DateTimeField("取消日時", null=True, blank=True)
    voided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name="取り消した職員")
    void_reason = models.TextField("取消の理由", blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "相談受付"
        ordering = ["-received_on", "-id"]
        indexes = [models.Index(fields=["agency", "received_on"])]

    def __str__(self) -> str:
        return f"{self.received_on} {self.get_route_display()}"

    @property
    def concern_labels(self) -> list[str]:
        labels = dict(Concern.choices)
        return [("◎" if c == self.primary_concern else "") + labels.get(c, c) for c in self.concerns]


class ConcernSource(models.TextChoices):
    INTAKE = "intake", "受付"
    ASSESSMENT = "assessment", "アセスメント"


class PersonConcern(models.Model):
    """世帯員ごとの課題: one member's concern, from the intake or an assessment — the rows of a household case's
    member × need view, from which its 複合課題 follows (tsunagu.rules.household). It names a person, so a reader
    needs a basis for her (sharing.policy), not only for the case."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="concerns", verbose_name="世帯員")
    household = models.ForeignKey("people.Household", on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name="世帯")
    case = models.ForeignKey("Case", on_delete=models.PROTECT, null=True, blank=True, related_name="person_concerns",
                             verbose_name="支援ケース")
    consultation = models.ForeignKey(Consultation, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="person_concerns", verbose_name="相談受付")
    concern = models.CharField("課題", max_length=30, choices=Concern.choices)
    source = models.CharField("把握した場面", max_length=20, choices=ConcernSource.choices, default=ConcernSource.INTAKE)
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+", verbose_name="記録した機関")
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    noted_on = models.DateField("把握日", default=timezone.localdate)
    compartment = models.CharField("区分", max_length=30, choices=Compartment.choices, blank=True, default="")
    archived_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "世帯員ごとの課題"
        ordering = ["noted_on", "id"]
        indexes = [models.Index(fields=["case", "person"]), models.Index(fields=["household", "person"])]

    def __str__(self) -> str:
        return f"{self.person} {self.get_concern_display()}"


class CaseStatus(models.TextChoices):
    INTAKE = "intake", "受付"
    ASSESSMENT = "assessment", "アセスメント"
    PLANNING = "planning", "プラン"
    SUPPORT = "support", "支援中"
    MONITORING = "monitoring", "モニタリング"
    CLOSED = "closed", "終結"
    WATCHING = "watching", "見守り継続"


OPEN_STATUSES = [CaseStatus.INTAKE, CaseStatus.ASSESSMENT, CaseStatus.PLANNING, CaseStatus.SUPPORT, CaseStatus.MONITORING]


class Case(models.Model):
    """支援ケース: for one person or one household (exactly one of the two)."""

    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="recorded_cases", verbose_name="記録した機関")
    lead_agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="led_cases", verbose_name="主担当機関")
    agencies = models.ManyToManyField(
        "agencies.Agency", through="CaseAgency", related_name="participating_cases", verbose_name="参加機関"
    )
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="cases", verbose_name="本人")
    household = models.ForeignKey("people.Household", on_delete=models.PROTECT, null=True, blank=True, related_name="cases", verbose_name="世帯")
    # the agency that recorded the case's person or household, copied when the case is made (a case's subject never
    # changes, nor does a person's or household's recording agency): a case led by another agency — after a 移管 —
    # is then found on an index of such cases alone (`cases_case_led_elsewhere`; sharing.policy's "own agency")
    subject_agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+", editable=False, db_index=False,
                                       verbose_name="本人・世帯を記録した機関")
    name = models.CharField("呼び名", max_length=60, blank=True,
                            help_text="一覧・印刷で使う短い名前（例: 十河さん世帯）。空なら本人・世帯の名前から作ります。")
    title = models.CharField("ケース名", max_length=200)
    summary = models.TextField("概要", blank=True)
    status = models.CharField("状況", max_length=20, choices=CaseStatus.choices, default=CaseStatus.INTAKE, db_index=True)
    compartment = models.CharField("区分", max_length=30, choices=Compartment.choices, blank=True, default="")
    opened_on = models.DateField("開始日", default=timezone.localdate)
    closed_on = models.DateField("終結日", null=True, blank=True)
    worker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="担当者")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    archived_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "支援ケース"
        ordering = ["-updated_at", "-id"]
        indexes = [
            models.Index(fields=["lead_agency", "status"]), models.Index(fields=["status", "updated_at"]),
            # the sharing policy's "own agency" lists: cases an agency leads, by subject
            models.Index(fields=["lead_agency", "person"]), models.Index(fields=["lead_agency", "household"]),
            # the case list, newest first: "mine" walks the first, all visible cases the second, 25 rows and stop
            models.Index(fields=["lead_agency", "-updated_at", "-id"], name="cases_case_lead_recent"),
            models.Index(fields=["-updated_at", "-id"], name="cases_case_recent"),
            # the cases led by an agency other than the one that recorded their subject: few (移管), read whole by
            # every Scope (sharing.policy.Scope.own_persons_elsewhere) — a scan of an agency's led cases grew with them
            models.Index(fields=["lead_agency", "person", "household"], condition=~models.Q(lead_agency=models.F("subject_agency")),
                         name="cases_case_led_elsewhere"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(person__isnull=False, household__isnull=True)
                | models.Q(person__isnull=True, household__isnull=False),
                name="case_for_person_or_household",
            )
        ]

    def __str__(self) -> str:
        return self.label

    def save(self, *args, **kwargs) -> None:
        if self.subject_agency_id is None and (self.person_id or self.household_id):
            self.subject_agency_id = self.subject.agency_id
        super().save(*args, **kwargs)

    @property
    def label(self) -> str:
        """What lists, prints and previews call the case: its 呼び名 (「十河さん世帯」), never the 主訴 sentence."""
        return self.name or self.title

    @property
    def subject(self):
        return self.person or self.household


class CaseAgency(models.Model):
    """参加機関. Taking part in a case gives no access by itself: consent or a meeting does (sharing.policy)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="participations")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    role = models.CharField("役割", max_length=100, blank=True)
    joined_on = models.DateField(default=timezone.localdate)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "agency"], name="one_participation_per_agency")]

    def __str__(self) -> str:
        return f"{self.case} / {self.agency}"


# The areas of the standard インテーク・アセスメントシート.
ASSESSMENT_AREAS = [
    ("health", "健康・障害"), ("daily_life", "日常生活・ADL"), ("housing", "住まい"), ("income", "収入・家計・債務"),
    ("work", "就労"), ("family", "家族・世帯の状況"), ("social", "社会との関係・地域"), ("children", "子ども・子育て"),
    ("care", "介護"), ("rights", "権利擁護・判断能力"), ("strengths", "本人の強み・意向"), ("risks", "リスク・緊急性"),
]


class Screening(models.TextChoices):
    """スクリーニングの結果 of the インテーク・アセスメントシート (国への報告事項)."""

    INFO_ONLY = "info_only", "相談・情報提供のみで終了"
    REFERRAL = "referral", "他制度・他機関へのつなぎ"
    CONTINUE = "continue", "継続支援（プラン作成へ）"


class Assessment(models.Model):
    """インテーク・アセスメントシート: of one person (本人) — the person of a person case, or the household member it
    is about (世帯の一人ひとり; none on the older, household-wide rows)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="assessments")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name="本人（対象の世帯員）")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assessed_on = models.DateField("実施日", default=timezone.localdate)
    areas = models.JSONField("領域ごとの所見", default=dict, blank=True)
    summary = models.TextField("総合所見", blank=True)
    screening = models.CharField("スクリーニングの結果", max_length=20, choices=Screening.choices, blank=True)
    employment_support = models.BooleanField("就労支援の対象", null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "アセスメント"
        ordering = ["-assessed_on", "-id"]

    def __str__(self) -> str:
        return f"アセスメント {self.assessed_on}"


class PlanStatus(models.TextChoices):
    DRAFT = "draft", "作成中"
    AGREED = "agreed", "合意済み"
    SUPERSEDED = "superseded", "改訂済み"


class SupportPlan(models.Model):
    """支援プラン (プラン兼事業等利用申込書). A revision is a new row with `revision` + 1; the old one is SUPERSEDED."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="plans")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    revision = models.PositiveIntegerField("版", default=1)
    goals = models.TextField("目標")
    person_wishes = models.TextField("本人の意向", blank=True)
    review_on = models.DateField("見直し予定日", null=True, blank=True)
    # 支援状況調査: 就労支援対象者数 counts the cases whose plan marks them (国への報告事項)
    employment_support = models.BooleanField("就労支援の対象", default=False)
    status = models.CharField("状態", max_length=20, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    agreed_by = models.CharField("同意した人", max_length=100, blank=True)
    agreed_on = models.DateField("同意日", null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "支援プラン"
        ordering = ["-revision", "-id"]
        constraints = [models.UniqueConstraint(fields=["case", "revision"], name="one_plan_per_revision")]
        # the 集計's plan figures and their row lists read a year's (or an agency's year's) plans by date, a page at
        # a time in that order (reports.rows): on a 政令市 without them every plan of every year was read and sorted
        indexes = [models.Index(fields=["agency", "created_at"]), models.Index(fields=["created_at"])]

    def __str__(self) -> str:
        return f"支援プラン 第{self.revision}版"


class PlanReview(models.Model):
    """評価: the review of a plan (再プラン時, the 評価シート) — whether the person found work, raised her income, and
    whether the worker saw improvement toward 自立 — the 国への報告事項 that the 支援状況調査 counts."""

    plan = models.ForeignKey(SupportPlan, on_delete=models.PROTECT, related_name="reviews", verbose_name="支援プラン")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reviewed_on = models.DateField("評価日", default=timezone.localdate)
    employed = models.BooleanField("就労", default=False)
    income_increased = models.BooleanField("増収", default=False)
    improved = models.BooleanField("自立に向けた改善", default=False)
    note = models.TextField("評価の所見", blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "プランの評価"
        ordering = ["-reviewed_on", "-id"]
        indexes = [models.Index(fields=["agency", "reviewed_on"])]

    def __str__(self) -> str:
        return f"評価 {self.reviewed_on}"


class SupportPlanAction(models.Model):
    plan = models.ForeignKey(SupportPlan, on_delete=models.PROTECT, related_name="actions")
    description = models.CharField("支援内容", max_length=300)
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="担当機関")
    resource_name = models.CharField("社会資源", max_length=200, blank=True)
    due_on = models.DateField("期日", null=True, blank=True)
    done_on = models.DateField("完了日", null=True, blank=True)
    members = models.ManyToManyField("people.Person", blank=True, related_name="+", verbose_name="対象の世帯員")
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return self.description


class CaseNote(models.Model):
    """経過記録. A correction is a new version of the same row (history keeps every earlier text)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="notes")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    written_on = models.DateField("日付", default=timezone.localdate)
    kind = models.CharField("種別", max_length=20, blank=True)
    body = models.TextField("内容")
    # 世帯の一人ひとり: a note about a household case may name the members it is about; a reader needs a basis for
    # each member it names (sharing.policy), one naming no one follows its case
    members = models.ManyToManyField("people.Person", blank=True, related_name="+", verbose_name="対象の世帯員")
    compartment = models.CharField("区分", max_length=30, choices=Compartment.choices, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)
    archived_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "経過記録"
        ordering = ["-written_on", "-id"]
        indexes = [models.Index(fields=["case", "written_on"])]

    def __str__(self) -> str:
        return f"経過記録 {self.written_on}"


class ReferralStatus(models.TextChoices):
    REQUESTED = "requested", "依頼中"
    ACCEPTED = "accepted", "受理"
    DECLINED = "declined", "辞退"
    IN_PROGRESS = "in_progress", "対応中"
    COMPLETED = "completed", "完了"
    CANCELLED = "cancelled", "取消"


# Allowed moves; who may make each is in cases.services (receiver answers, sender cancels).
REFERRAL_TRANSITIONS = {
    ReferralStatus.REQUESTED: {ReferralStatus.ACCEPTED, ReferralStatus.DECLINED, ReferralStatus.CANCELLED},
    ReferralStatus.ACCEPTED: {ReferralStatus.IN_PROGRESS, ReferralStatus.COMPLETED, ReferralStatus.CANCELLED},
    ReferralStatus.IN_PROGRESS: {ReferralStatus.COMPLETED, ReferralStatus.CANCELLED},
    ReferralStatus.DECLINED: set(),
    ReferralStatus.COMPLETED: set(),
    ReferralStatus.CANCELLED: set(),
}
ANSWERED = [ReferralStatus.ACCEPTED, ReferralStatus.DECLINED, ReferralStatus.IN_PROGRESS, ReferralStatus.COMPLETED]


class Referral(models.Model):
    """つなぎ: agency → agency, closed-loop. The sender sees every change (ReferralEvent, Notification)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="referrals")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="referrals", verbose_name="対象者")
    from_agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="referrals_sent", verbose_name="依頼元")
    to_agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="referrals_received", verbose_name="依頼先")
    from_staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="依頼者")
    reason = models.TextField("つなぐ理由")
    request = models.TextField("依頼内容")
    due_on = models.DateField("回答期日", db_index=True)
    status = models.CharField("状況", max_length=20, choices=ReferralStatus.choices, default=ReferralStatus.REQUESTED, db_index=True)
    decline_reason = models.TextField("辞退の理由", blank=True)
    outcome = models.TextField("結果", blank=True)
    sent_at = models.DateTimeField("依頼日時", default=timezone.now)
    answered_at = models.DateTimeField("回答日時", null=True, blank=True)
    closed_at = models.DateTimeField("終了日時", null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "つなぎ"
        ordering = ["-sent_at", "-id"]
        # and by the date sent, for the 集計's referral figures and their row lists (as a plan's)
        indexes = [models.Index(fields=["to_agency", "status"]), models.Index(fields=["from_agency", "status"]),
                   models.Index(fields=["from_agency", "sent_at"]), models.Index(fields=["sent_at"])]

    def __str__(self) -> str:
        return f"{self.from_agency} → {self.to_agency}"

    def is_overdue(self, today) -> bool:
        return self.status == ReferralStatus.REQUESTED and self.due_on < today


class ReferralEvent(models.Model):
    """One change of a referral's status, kept for the sender's timeline."""

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=20, choices=ReferralStatus.choices)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d} {self.get_status_display()}"


class CaseTransfer(models.Model):
    """移管: the lead agency (主担当機関) handed over to another agency — a disclosure, so it names the basis the
    receiving agency held for the case's subject when it was made. Never changed; shown on the case's timeline."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="transfers", verbose_name="支援ケース")
    from_agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+", verbose_name="移管元")
    to_agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+", verbose_name="移管先")
    basis = models.CharField("移管先の共有の根拠", max_length=40, choices=SharingBasis.choices)
    reason = models.TextField("移管の理由")
    transferred_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                       verbose_name="移管した職員")
    transferred_at = models.DateTimeField("移管日時", default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "移管"
        ordering = ["-transferred_at", "-id"]

    def __str__(self) -> str:
        return f"{self.case} {self.from_agency} → {self.to_agency}"


class Notification(models.Model):
    """An in-app notice to an agency (the dashboard panel and the badge). Says what changed, never more."""

    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="notifications")
    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, null=True, blank=True, related_name="notifications")
    message = models.CharField(max_length=200)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["agency", "read_at"])]

    def __str__(self) -> str:
        return self.message
