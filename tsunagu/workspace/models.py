"""体制整備: the workspace in which a municipality builds its 包括的支援体制 (the seed's STEP1–4).

Nothing here is personal data about residents. Worksheet responses may carry the respondent's name and
affiliation (the seed's sheets ask for them, 記入任意); those two fields are kept for the planner's follow-up only
and never appear in a summary, export, chart or API answer.
"""

import secrets

from django.db import models
from django.utils import timezone

from tsunagu.agencies.models import Agency, JobRole
from tsunagu.core.fiscal import FISCAL_MONTHS, fiscal_year_label


class Step(models.IntegerChoices):
    """プロセス仮説 STEP1–4."""

    COMMON_UNDERSTANDING = 1, "STEP1 体制整備の意義についての共通理解づくり"
    INVENTORY = 2, "STEP2 関係機関の業務棚卸及び有機的な連携構築"
    GRAND_DESIGN = 3, "STEP3 体制整備のグランドデザイン"
    TRIAL = 4, "STEP4 実施に向けた試行"


class Area(models.TextChoices):
    """The two headings under which the seed sorts what workers said."""

    CONSULTATION = "consultation", "相談支援"
    PARTICIPATION = "participation", "参加支援・地域づくり"


# ---- Roadmap -------------------------------------------------------------------------------------------------


class ActivityStatus(models.TextChoices):
    PLANNED = "planned", "予定"
    IN_PROGRESS = "in_progress", "実施中"
    DONE = "done", "完了"


class RoadmapActivity(models.Model):
    """One row of the 検討スケジュール: an activity of a step over some months of the fiscal year."""

    fiscal_year = models.PositiveSmallIntegerField("年度")
    step = models.PositiveSmallIntegerField("STEP", choices=Step.choices)
    title = models.CharField("取り組み", max_length=200)
    start_month = models.PositiveSmallIntegerField("開始月")
    end_month = models.PositiveSmallIntegerField("終了月")
    milestone = models.CharField("節目（★）", max_length=100, blank=True, help_text="例: 10/20セミナー実施")
    status = models.CharField("状況", max_length=20, choices=ActivityStatus.choices, default=ActivityStatus.PLANNED)
    owner = models.CharField("担当", max_length=100, blank=True)
    workshop = models.ForeignKey("Workshop", on_delete=models.SET_NULL, null=True, blank=True, verbose_name="研修・ワークショップ")
    task_inventory = models.ForeignKey("TaskInventory", on_delete=models.SET_NULL, null=True, blank=True, verbose_name="業務棚卸表")
    document_title = models.CharField("資料名", max_length=200, blank=True)
    document_url = models.CharField("資料の場所（URL・共有フォルダ）", max_length=500, blank=True)
    order = models.PositiveSmallIntegerField("並び順", default=100)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "検討スケジュール"
        ordering = ["fiscal_year", "step", "order", "pk"]

    def __str__(self) -> str:
        return self.title

    def month_index(self, month: int) -> int:
        return FISCAL_MONTHS.index(month)

    def covers(self, month: int) -> bool:
        return self.month_index(self.start_month) <= self.month_index(month) <= self.month_index(self.end_month)


# ---- Workshops and worksheets --------------------------------------------------------------------------------


class WorkshopKind(models.TextChoices):
    SEMINAR = "seminar", "セミナー"
    TRAINING = "training", "研修"
    WORKSHOP = "workshop", "ワークショップ"


class WorkshopMethod(models.TextChoices):
    VENUE = "venue", "会場"
    ONLINE = "online", "オンライン"
    HYBRID = "hybrid", "会場・オンライン併用"


class WorksheetTemplate(models.Model):
    """A worksheet. `questions` is a list of {key, label, help, kind: "text" | "rows", columns: [...]}."""

    name = models.CharField("シート名", max_length=200, unique=True)
    description = models.TextField("説明（シート冒頭の文）", blank=True)
    builtin_key = models.CharField(max_length=40, blank=True, editable=False)
    questions = models.JSONField("設問", default=list)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "ワークシート"
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def text_questions(self) -> list[dict]:
        return [q for q in self.questions if q.get("kind", "text") == "text"]


class Workshop(models.Model):
    fiscal_year = models.PositiveSmallIntegerField("年度")
    series_no = models.PositiveSmallIntegerField("回", null=True, blank=True)
    title = models.CharField("名称", max_length=200)
    kind = models.CharField("種類", max_length=20, choices=WorkshopKind.choices, default=WorkshopKind.WORKSHOP)
    held_on = models.DateField("実施日")
    starts_at = models.TimeField("開始", null=True, blank=True)
    ends_at = models.TimeField("終了", null=True, blank=True)
    method = models.CharField("実施方法", max_length=20, choices=WorkshopMethod.choices, default=WorkshopMethod.VENUE)
    place = models.CharField("会場", max_length=200, blank=True)
    aims = models.TextField("ねらい・つくりたい状態", blank=True)
    attendance = models.PositiveIntegerField("参加人数", null=True, blank=True)
    templates = models.ManyToManyField(WorksheetTemplate, blank=True, related_name="workshops", verbose_name="ワークシート")
    response_token = models.CharField(max_length=40, unique=True, editable=False)
    accepting_responses = models.BooleanField("リンクからの回答を受け付ける", default=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "研修・ワークショップ"
        ordering = ["-held_on", "pk"]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        if not self.response_token:
            self.response_token = secrets.token_urlsafe(16)
        super().save(*args, **kwargs)


class WorkshopProgramItem(models.Model):
    """プログラム (Timeline): one slot of the timetable."""

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="program")
    starts_at = models.TimeField("時刻")
    minutes = models.PositiveSmallIntegerField("分", null=True, blank=True)
    title = models.CharField("タイトル", max_length=200)
    detail = models.TextField("内容", blank=True)

    class Meta:
        ordering = ["starts_at", "pk"]

    def __str__(self) -> str:
        return self.title


class InvitationReply(models.TextChoices):
    PENDING = "pending", "未回答"
    ATTENDING = "attending", "出席"
    ABSENT = "absent", "欠席"


class WorkshopInvitation(models.Model):
    """参集機関: an agency invited, with its reply (出欠返信) and how many came."""

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="invitations")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+", verbose_name="機関")
    reply = models.CharField("出欠", max_length=20, choices=InvitationReply.choices, default=InvitationReply.PENDING)
    attendees = models.PositiveSmallIntegerField("参加人数", default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["workshop", "agency"], name="workshop_invitation_unique")]

    def __str__(self) -> str:
        return f"{self.workshop_id}: {self.agency_id}"


class ResponseChannel(models.TextChoices):
    STAFF = "staff", "職員が入力"
    LINK = "link", "回答リンク"


class WorksheetResponse(models.Model):
    """One filled-in worksheet. `answers`: {question key: text, or list of row dicts for "rows" questions}.

    `terms` caches the tokenised answers ({key: [term, …]}) so a theme summary never tokenises again.
    """

    workshop = models.ForeignKey(Workshop, on_delete=models.PROTECT, related_name="responses")
    template = models.ForeignKey(WorksheetTemplate, on_delete=models.PROTECT, related_name="responses")
    answers = models.JSONField(default=dict)
    terms = models.JSONField(default=dict, editable=False)
    # Kept for the planner's follow-up only; never shown in a summary, export, chart or API (see module docstring).
    respondent_name = models.CharField("ご氏名（任意・非公表）", max_length=100, blank=True)
    respondent_affiliation = models.CharField("ご所属（任意・非公表）", max_length=200, blank=True)
    channel = models.CharField(max_length=10, choices=ResponseChannel.choices, default=ResponseChannel.STAFF)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "ワークシート回答"
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"回答 #{self.pk}"  # never the respondent's name


class Theme(models.Model):
    """課題・キーワード: what the responses say, named by the planner, with the answers behind it.

    `quotes`: [{response: id, key: question key, text: answer}] — copied, so a theme stays readable as adopted.
    """

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="themes")
    title = models.CharField("テーマ", max_length=200)
    area = models.CharField("区分", max_length=20, choices=Area.choices, default=Area.CONSULTATION)
    terms = models.JSONField("キーワード", default=list)
    quotes = models.JSONField(default=list)
    order = models.PositiveSmallIntegerField(default=100)

    class Meta:
        verbose_name = verbose_name_plural = "課題・キーワード"
        ordering = ["area", "order", "pk"]

    def __str__(self) -> str:
        return self.title


# ---- 業務棚卸 ------------------------------------------------------------------------------------------------


class Mark(models.TextChoices):
    """The seed's legend for the 業務棚卸表."""

    OWN_DONE = "◎", "◎ 職種で取り組むべき内容で実施しているもの"
    OWN_NOT_DONE = "×", "× 職種で取り組まなければならないが取り組めていないこと"
    ANYONE = "○", "○ 職種などを関係なく実施しているもの"


class TaskInventory(models.Model):
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="task_inventories", verbose_name="機関")
    fiscal_year = models.PositiveSmallIntegerField("年度")
    note = models.TextField("メモ", blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "業務棚卸表"
        ordering = ["-fiscal_year", "agency__kana"]
        constraints = [models.UniqueConstraint(fields=["agency", "fiscal_year"], name="task_inventory_unique")]

    def __str__(self) -> str:
        return f"{fiscal_year_label(self.fiscal_year)} 業務棚卸表【{self.agency.name}】"


class TaskInventoryColumn(models.Model):
    """A 職種 column, with the optional 担当件数 and 担当業務上の割合 rows of the 障害 sheet."""

    inventory = models.ForeignKey(TaskInventory, on_delete=models.CASCADE, related_name="columns")
    job_role = models.ForeignKey(JobRole, on_delete=models.PROTECT, related_name="+", verbose_name="職種")
    heading = models.CharField("見出し", max_length=50)
    caseload = models.PositiveIntegerField("担当件数", null=True, blank=True)
    share = models.CharField("担当業務上の割合", max_length=20, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.heading


class TaskRow(models.Model):
    """カテゴリー › 業務内容. `marks`: {column pk (str): "◎" | "×" | "○"}; a blank cell has no key."""

    inventory = models.ForeignKey(TaskInventory, on_delete=models.CASCADE, related_name="rows")
    category_no = models.PositiveSmallIntegerField("No.")
    category = models.CharField("カテゴリー", max_length=200)
    task_no = models.PositiveSmallIntegerField("No.")
    task = models.CharField("業務内容", max_length=300)
    marks = models.JSONField(default=dict)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.task


class TaskInventoryUpload(models.Model):
    """A sheet read and checked whole, waiting for its uploader to confirm that it replaces the year's inventory.
    `sheet` is the parsed sheet (workspace.excel.sheet_to_json); nothing of the inventory changes until then."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+", verbose_name="機関")
    fiscal_year = models.PositiveSmallIntegerField("年度")
    uploaded_by = models.ForeignKey("agencies.Staff", on_delete=models.CASCADE, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)
    file_name = models.CharField("ファイル名", max_length=200, blank=True)
    sheet = models.JSONField()

    def __str__(self) -> str:
        return f"{fiscal_year_label(self.fiscal_year)} 業務棚卸表の取り込み（確認待ち）"


class TaskInventoryVersion(models.Model):
    """The content of an inventory as it was before a re-upload or a restore replaced it: kept, never deleted,
    and restorable (services.task_inventory_restore). `content`: workspace.services.inventory_content."""

    inventory = models.ForeignKey(TaskInventory, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField("版")
    replaced_at = models.DateTimeField("置き換えた日時", default=timezone.now)
    replaced_by = models.ForeignKey("agencies.Staff", on_delete=models.SET_NULL, null=True, related_name="+")
    reason = models.CharField("理由", max_length=20)  # "upload" or "restore"
    n_rows = models.PositiveIntegerField("業務の数")
    content = models.JSONField()

    class Meta:
        ordering = ["-replaced_at", "-pk"]

    def __str__(self) -> str:
        return f"版 {self.version}（{self.n_rows} 件）"


TIME_ACTIVITIES = ["面談", "記録", "移動", "会議・調整", "事務", "地域活動"]


class TimeUse(models.Model):
    """1日の動き: one worker's typical day, activity → hours. `label` is a role label, never a name."""

    inventory = models.ForeignKey(TaskInventory, on_delete=models.CASCADE, related_name="time_uses")
    job_role = models.ForeignKey(JobRole, on_delete=models.PROTECT, related_name="+", verbose_name="職種")
    label = models.CharField("職員（記号）", max_length=50, help_text="例: 相談支援専門員A")
    hours = models.JSONField(default=dict)

    class Meta:
        ordering = ["job_role__order", "label"]

    def __str__(self) -> str:
        return self.label

    @property
    def total(self) -> float:
        return round(sum(float(v) for v in self.hours.values()), 2)


class TaskInterview(models.Model):
    """業務ヒアリング: 職種, 課題, 課題の詳細, 解決案, ポイント; 強み, 実現したいこと."""

    inventory = models.ForeignKey(TaskInventory, on_delete=models.CASCADE, related_name="interviews")
    job_role = models.ForeignKey(JobRole, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="職種")
    issue = models.CharField("課題", max_length=300)
    detail = models.TextField("課題の詳細状況", blank=True)
    proposal = models.TextField("解決案の提示", blank=True)
    point = models.TextField("ポイント（スーパーバイザー発言）", blank=True)
    strengths = models.TextField("事業所の特徴・強み", blank=True)
    wishes = models.TextField("実現したいこと", blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.issue


# ---- 会議・研修一覧 ------------------------------------------------------------------------------------------


class MeetingForm(models.TextChoices):
    MEETING = "meeting", "会議"
    TRAINING = "training", "研修・セミナー"


class MeetingBasis(models.TextChoices):
    STATUTORY = "statutory", "法定"
    MUNICIPAL = "municipal", "市町村独自"
    VOLUNTARY = "voluntary", "自主"


class MeetingInventory(models.Model):
    """One row of the 会議・研修一覧 (the seed's 第3回 事前ワークシート), reported by one agency."""

    fiscal_year = models.PositiveSmallIntegerField("年度")
    reported_by = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+", verbose_name="記入した機関")
    form = models.CharField("区分", max_length=20, choices=MeetingForm.choices, default=MeetingForm.MEETING)
    name = models.CharField("会議・研修名", max_length=200)
    purpose = models.TextField("趣旨・目的")
    audience = models.CharField("対象", max_length=200, blank=True)
    times_per_year = models.PositiveSmallIntegerField("回数（年）")
    basis = models.CharField("法定・市独自・自主", max_length=20, choices=MeetingBasis.choices)
    importance = models.CharField("重要度（主観）", max_length=300, blank=True)
    host = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+", verbose_name="主催")
    attending = models.ManyToManyField(Agency, related_name="+", blank=True, verbose_name="出席する機関")
    minutes = models.PositiveSmallIntegerField("所要時間（分）", default=90)
    attendees = models.PositiveSmallIntegerField("出席者数（人）", default=10)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "会議・研修一覧"
        ordering = ["fiscal_year", "name", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def frequency_label(self) -> str:
        n = self.times_per_year
        if n == 12:
            return "月1回"
        if n == 24:
            return "月2回"
        if n and 12 % n == 0:
            return f"{12 // n}か月に1回"
        return f"年{n}回"


# ---- グランドデザイン ----------------------------------------------------------------------------------------


class DesignSection(models.TextChoices):
    """The seed's three headings."""

    CONSULTATION_SYSTEM = "consultation_system", "1. 包括的相談支援体制の構築に向けた動き"
    SUPPORT_FLOW = "support_flow", "2. 支援フローについて"
    COMMUNITY = "community", "3. 地域づくりに向けた支援"


class GrandDesign(models.Model):
    fiscal_year = models.PositiveSmallIntegerField("年度", unique=True)
    title = models.CharField("表題", max_length=200)
    vision = models.TextField("目指す姿", blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "グランドデザイン"
        ordering = ["-fiscal_year"]

    def __str__(self) -> str:
        return self.title


class DesignItem(models.Model):
    design = models.ForeignKey(GrandDesign, on_delete=models.CASCADE, related_name="items")
    section = models.CharField("項目", max_length=30, choices=DesignSection.choices)
    title = models.CharField("検討項目", max_length=300)
    means = models.CharField("手段", max_length=300, blank=True)
    owner = models.ForeignKey(Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="担当機関")
    review_on = models.DateField("見直し日", null=True, blank=True)
    status = models.CharField("状況", max_length=20, choices=ActivityStatus.choices, default=ActivityStatus.PLANNED)
    order = models.PositiveSmallIntegerField(default=100)

    class Meta:
        ordering = ["section", "order", "pk"]

    def __str__(self) -> str:
        return self.title


# ---- 試行検証 ------------------------------------------------------------------------------------------------


class TrialCode(models.Model):
    """A finding in the codebook; the seed's five are the default."""

    label = models.CharField("記号", max_length=5)
    name = models.CharField("所見", max_length=100, unique=True)
    description = models.TextField("説明", blank=True)
    active = models.BooleanField("使用中", default=True)
    order = models.PositiveSmallIntegerField(default=100)

    class Meta:
        verbose_name = verbose_name_plural = "コード"
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return f"{self.label}) {self.name}" if self.label else self.name


class TrialObservation(models.Model):
    """試行検証記録: heard every two weeks — what happened (出来事) and its effect on the workers."""

    observed_on = models.DateField("聞き取り日")
    site = models.CharField("検証の場", max_length=200, blank=True)
    heard = models.CharField("聞き取りの相手（職種・立場）", max_length=200)
    event = models.TextField("拠点で起きた出来事や変化")
    effect = models.TextField("支援者に及ぼした影響", blank=True)
    codes = models.ManyToManyField(TrialCode, blank=True, related_name="observations", verbose_name="コード")
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "試行検証記録"
        ordering = ["-observed_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.observed_on} {self.heard}"
