"""名寄せ in the product: which Person rows (each agency's own) are one person, and which live together.

Person rows are never merged destructively. A linkage run writes, for every row, the cluster it belongs to
(`PersonLink.cluster`: the smallest Person id of the cluster, so a cluster keeps its number while its first
row stays in it) and the household group (`PersonLink.household_group`, likewise). A coordinator's merge or
unmerge is a new `MergeDecision` row; the latest decision for a pair wins, every earlier one is kept, and
each later run honours them. Run results (`PersonLink`, `HouseholdGroup`, `ReviewPair`, and the intake check's
index: `BlockingKey`, `NameTerm`) are derived data and are replaced by each run; decisions are the only thing
people write here, and they are append-only.
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

# The process computing a run writes its heartbeat every RUN_HEARTBEAT (a thread, so also while the engine computes);
# a run whose heartbeat has stopped for RUN_STALE_AFTER belongs to a process that died — a killed worker, a restarted
# server — and is marked failed (services.linkage_runs_expire) by the next start and by the worker's beat.
RUN_HEARTBEAT = timedelta(seconds=30)
RUN_STALE_AFTER = timedelta(minutes=3)


class RunStatus(models.TextChoices):
    RUNNING = "running", "実行中"
    DONE = "done", "完了"
    FAILED = "failed", "失敗"
    SKIPPED = "skipped", "見送り"  # another run was running: this one did nothing


class LinkageRun(models.Model):
    """One run of the linkage over every agency's persons (nightly, or `manage.py link_persons`)."""

    started_at = models.DateTimeField("開始日時", default=timezone.now)
    finished_at = models.DateTimeField("終了日時", null=True, blank=True)
    status = models.CharField("状態", max_length=10, choices=RunStatus.choices, default=RunStatus.RUNNING)
    records = models.PositiveIntegerField("記録数", default=0)
    persons = models.PositiveIntegerField("人数", default=0)
    households = models.PositiveIntegerField("世帯数", default=0)
    review_pairs = models.PositiveIntegerField("要確認の組", default=0)
    # m, u and prior of the Fellegi–Sunter model, so the intake check scores exactly as this run did.
    model_params = models.JSONField(default=dict, blank=True)
    message = models.TextField("メッセージ", blank=True)
    # Written every RUN_HEARTBEAT by the process computing the run (services.linkage_run).
    heartbeat_at = models.DateTimeField("最終応答", null=True, blank=True)
    stage = models.CharField("進行状況", max_length=100, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "名寄せの実行"
        ordering = ["-started_at", "-id"]
        # One run at a time: two runs started together cannot both be running (services.linkage_run).
        constraints = [models.UniqueConstraint(fields=["status"], condition=models.Q(status="running"),
                                               name="linkage_one_run_at_a_time")]

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M} {self.get_status_display()}"


class PersonLink(models.Model):
    person = models.OneToOneField("people.Person", on_delete=models.PROTECT, related_name="link", verbose_name="本人")
    cluster = models.PositiveIntegerField("同一人物の番号", db_index=True)
    household_group = models.PositiveIntegerField("世帯の番号", db_index=True)
    run = models.ForeignKey(LinkageRun, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "名寄せの結果"

    def __str__(self) -> str:
        return f"{self.person_id} → {self.cluster}"


class HouseholdGroup(models.Model):
    """A household seen across agencies, with its flags (8050, 複合課題)."""

    key = models.PositiveIntegerField("世帯の番号", unique=True)
    run = models.ForeignKey(LinkageRun, on_delete=models.PROTECT, related_name="+")
    persons = models.PositiveIntegerField("人数", default=0)
    flags = models.JSONField("フラグ", default=list, blank=True)
    fields = models.JSONField("課題のある分野", default=list, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "名寄せした世帯"

    def __str__(self) -> str:
        return f"世帯 {self.key}"


class BlockingKey(models.Model):
    """The intake check's index, in the database rather than in each web process: for every person row the latest
    run linked, her key under each blocking rule (identity.blocking.BLOCKING_RULES; `rule` is the rule's index) —
    a birth date, an address and birth year, a phone, a name or reading with its town … A key whose block is larger
    than its rule's limit is left out: the check never reads such a block (identity.linkage.indexed_keys).

    Only the latest run's keys are kept: each run replaces them in the transaction that stores its clusters, so a
    reader sees one run's keys, never a mix, and no older run's names are kept. The cluster is not stored here: a
    coordinator's decision changes it between runs, and PersonLink is where it is kept. The keys are personal data
    (rules.personal_data); an archived person's are deleted at once (services.person_keys_forget)."""

    rule = models.PositiveSmallIntegerField("照合の規則")
    key = models.TextField("照合キー")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+", verbose_name="本人")

    class Meta:
        verbose_name = verbose_name_plural = "名寄せの照合キー"
        indexes = [models.Index(fields=["rule", "key"], name="linkage_blockingkey_rule_key")]

    def __str__(self) -> str:
        return f"{self.rule}: {self.person_id}"


class NameTermKind(models.IntegerChoices):
    NAME = 1, "氏名"  # how many records write this name (the term-frequency adjustment)
    READING = 2, "読み"  # how many records give this reading
    FAMILY_KANJI = 3, "姓（漢字）"  # a family name seen written apart (identity.features.FamilyNames)
    FAMILY_KANA = 4, "姓（読み）"


class NameTerm(models.Model):
    """What the latest run's model knows of names besides the records: how often each name and reading occurs (the
    totals are on the run, `model_params["names"]`, `["readings"]`) and the family names it learnt, which split a
    name written without a space. The intake check reads the rows of its own names only. Replaced by each run."""

    kind = models.PositiveSmallIntegerField("種類", choices=NameTermKind.choices)
    value = models.TextField("氏名・読み・姓")
    count = models.PositiveIntegerField("記録数", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "名寄せの氏名の頻度"
        constraints = [models.UniqueConstraint(fields=["kind", "value"], name="linkage_nameterm_kind_value")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.count}"


class ReviewPair(models.Model):
    """Two rows the engine could not decide on (要確認), with its explanation, for the coordinator."""

    run = models.ForeignKey(LinkageRun, on_delete=models.PROTECT, related_name="+")
    person_a = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    person_b = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    weight = models.FloatField("重み")
    probability = models.FloatField("同一人物である確率")
    twin = models.BooleanField("双子の可能性", default=False)
    explanation = models.JSONField("判定の内訳", default=dict)
    decision = models.ForeignKey("MergeDecision", on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "要確認の組"
        ordering = ["-probability", "id"]
        indexes = [models.Index(fields=["run", "decision"])]

    def __str__(self) -> str:
        return f"{self.person_a_id}・{self.person_b_id} p={self.probability:.2f}"


class DecisionAction(models.TextChoices):
    MERGE = "merge", "同一人物として結合"
    KEEP_APART = "keep_apart", "別人として確定"
    UNMERGE = "unmerge", "結合を解除"


SEPARATING = (DecisionAction.KEEP_APART, DecisionAction.UNMERGE)


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("名寄せの判断は変更できません。取り消すときは新しい判断を記録してください。")

    def delete(self):
        raise PermissionError("名寄せの判断は削除できません。")


class MergeDecision(models.Model):
    """A coordinator's decision on two Person rows. `person_a` has the smaller id. Never changed or deleted."""

    person_a = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+", verbose_name="記録A")
    person_b = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+", verbose_name="記録B")
    action = models.CharField("判断", max_length=20, choices=DecisionAction.choices)
    reason = models.TextField("理由")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="判断した職員")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+", verbose_name="機関")
    decided_at = models.DateTimeField("日時", default=timezone.now, db_index=True)
    # What the coordinator saw when deciding, kept with the decision (the review pair itself is replaced nightly).
    explanation = models.JSONField("判定の内訳", default=dict, blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "名寄せの判断"
        ordering = ["-decided_at", "-id"]
        indexes = [models.Index(fields=["person_a", "person_b"])]
        constraints = [models.CheckConstraint(condition=models.Q(person_a__lt=models.F("person_b")), name="decision_pair_ordered")]

    def __str__(self) -> str:
        return f"{self.person_a_id}・{self.person_b_id}: {self.get_action_display()}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("名寄せの判断は変更できません。取り消すときは新しい判断を記録してください。")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("名寄せの判断は削除できません。")
