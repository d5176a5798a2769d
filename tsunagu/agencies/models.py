"""Agencies (関係機関), staff (職員) and what each staff member does where (所属)."""

from typing import Any

from django.contrib.auth import password_validation
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from tsunagu.core.dates import DateStyle


class Field(models.TextChoices):
    """分野: the fields of support, used by agencies, concerns and resources alike."""

    ELDERLY = "elderly", "高齢・介護"
    DISABILITY = "disability", "障害"
    POVERTY = "poverty", "生活困窮"
    CHILDREN = "children", "子ども・子育て"
    HEALTH = "health", "保健・医療"
    EDUCATION = "education", "教育"
    HOUSING = "housing", "住まい"
    EMPLOYMENT = "employment", "就労"
    ADVOCACY = "advocacy", "権利擁護"
    COMMUNITY = "community", "地域福祉"


class AgencyKind(models.TextChoices):
    """機関種別. The group (行政 / 福祉関係機関 / 相談機関 / インフォーマル) follows the seed's 参集機関 tables."""

    MUNICIPAL_OFFICE = "municipal_office", "行政（課・係）"
    COMMUNITY_GENERAL_SUPPORT = "community_general_support", "地域包括支援センター"
    DISABILITY_CONSULTATION = "disability_consultation", "障害者相談支援事業所"
    DISABILITY_CORE = "disability_core", "基幹相談支援センター"
    SELF_RELIANCE = "self_reliance", "生活困窮者自立相談支援機関"
    CHILD_FAMILY_CENTER = "child_family_center", "利用者支援事業・こども家庭センター"
    CHILDCARE_HUB = "childcare_hub", "地域子育て支援拠点"
    SOCIAL_WELFARE_COUNCIL = "social_welfare_council", "社会福祉協議会"
    CARE_MANAGEMENT = "care_management", "居宅介護支援事業所"
    WELFARE_CORPORATION = "welfare_corporation", "社会福祉法人"
    NPO = "npo", "NPO法人"
    COMMUNITY_GROUP = "community_group", "地域団体・インフォーマル"
    HUB = "hub", "共生型地域福祉拠点"
    UNIVERSITY = "university", "大学"
    OTHER = "other", "その他"

    @classmethod
    def group_of(cls, kind: str) -> str:
        groups: dict[str, str] = {
            cls.MUNICIPAL_OFFICE: "行政",
            cls.CARE_MANAGEMENT: "福祉関係機関",
            cls.WELFARE_CORPORATION: "福祉関係機関",
            cls.SOCIAL_WELFARE_COUNCIL: "福祉関係機関",
            cls.NPO: "インフォーマル・地域団体",
            cls.COMMUNITY_GROUP: "インフォーマル・地域団体",
            cls.HUB: "インフォーマル・地域団体",
            cls.UNIVERSITY: "インフォーマル・地域団体",
        }
        return groups.get(kind, "相談機関")


class Operation(models.TextChoices):
    DIRECT = "direct", "直営"
    CONTRACTED = "contracted", "委託"


class Municipality(models.Model):
    """The town or city running this deployment (one row)."""

    name = models.CharField("自治体名", max_length=50)
    kana = models.CharField("ふりがな", max_length=100, blank=True)
    prefecture = models.CharField("都道府県", max_length=10, blank=True)
    population = models.PositiveIntegerField("人口", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "自治体"

    def __str__(self) -> str:
        return self.name


class Agency(models.Model):
    name = models.CharField("機関名", max_length=100, unique=True)
    kana = models.CharField("ふりがな", max_length=200, blank=True)
    kind = models.CharField("機関種別", max_length=40, choices=AgencyKind.choices)
    operation = models.CharField("運営形態", max_length=20, choices=Operation.choices, default=Operation.DIRECT)
    fields = models.JSONField("分野", default=list, blank=True)
    address = models.CharField("所在地", max_length=200, blank=True)
    phone = models.CharField("電話番号", max_length=30, blank=True)
    active = models.BooleanField("有効", default=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "関係機関"
        ordering = ["kana", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def field_labels(self) -> list[str]:
        labels = dict(Field.choices)
        return [labels.get(f, f) for f in self.fields]

    @property
    def group(self) -> str:
        return AgencyKind.group_of(self.kind)


class JobRole(models.Model):
    """職種: the columns of the 業務棚卸表. A model, because each municipality names its own."""

    name = models.CharField("職種", max_length=50, unique=True)
    is_professional = models.BooleanField("専門職", default=True)
    order = models.PositiveSmallIntegerField("並び順", default=100)

    class Meta:
        verbose_name = verbose_name_plural = "職種"
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    WORKER = "worker", "相談員"
    MANAGER = "manager", "管理者"
    COORDINATOR = "coordinator", "相談支援包括化推進員（多機関協働）"
    ADMIN = "admin", "システム管理者"


class StaffManager(BaseUserManager["Staff"]):
    use_in_migrations = True

    def create_user(self, login_id: str, password: str | None = None, **fields: Any) -> "Staff":
        """Every account made here has a password that passes the validators (createsuperuser --noinput and any
        script included), judged against the new account's own login id and name."""
        staff = self.model(login_id=login_id, **fields)
        if password is not None:
            password_validation.validate_password(password, staff)
        staff.set_password(password)
        staff.save(using=self._db)
        return staff

    def create_superuser(self, login_id: str, password: str | None = None, **fields: Any) -> "Staff":
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        return self.create_user(login_id, password, **fields)


class Staff(AbstractBaseUser, PermissionsMixin):
    """職員: a person who logs in. Acts on behalf of one of her agencies at a time."""

    login_id = models.CharField("ログインID", max_length=50, unique=True)
    name = models.CharField("氏名", max_length=50)
    kana = models.CharField("ふりがな", max_length=100, blank=True)
    email = models.EmailField("メールアドレス", blank=True)
    is_active = models.BooleanField("有効", default=True)
    is_staff = models.BooleanField("Django管理画面", default=False)
    date_joined = models.DateTimeField("登録日時", default=timezone.now)
    # Locked by an admin (suspected compromise): no sign-in, no session, no API token until an admin unlocks it.
    # Failed sign-ins lock only a (login id, address) pair, for a while (django-axes); this lock is a person's decision.
    locked_at = models.DateTimeField("管理者によるロック", null=True, blank=True, editable=False)
    locked_by = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False,
        verbose_name="ロックした管理者",
    )
    lock_reason = models.CharField("ロックの理由", max_length=200, blank=True, editable=False)
    # How she reads dates on pages and prints (core.dates): 和暦 unless she chose 西暦 on her account page.
    date_style = models.CharField("日付の表示", max_length=10, choices=DateStyle.choices, default=DateStyle.WAREKI)
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    objects = StaffManager()

    USERNAME_FIELD = "login_id"
    REQUIRED_FIELDS = ["name"]

    class Meta:
        verbose_name = verbose_name_plural = "職員"
        ordering = ["kana", "login_id"]

    def __str__(self) -> str:
        return self.name or self.login_id

    def get_full_name(self) -> str:
        return self.name

    def get_short_name(self) -> str:
        return self.name

    @property
    def is_admin(self) -> bool:
        return self.is_superuser or any(m.role == Role.ADMIN for m in self.active_memberships)

    @property
    def active_memberships(self) -> list["Membership"]:
        cached = getattr(self, "_active_memberships", None)
        if cached is None:
            cached = list(active_memberships_of(self.pk))
            self._active_memberships = cached
        return cached


class Membership(models.Model):
    """所属: staff × agency × 職種 × role. Ended memberships are kept: history matters (部署異動)."""

    staff = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="memberships", verbose_name="職員")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="memberships", verbose_name="機関")
    job_role = models.ForeignKey(
        JobRole, on_delete=models.PROTECT, null=True, blank=True, related_name="memberships", verbose_name="職種"
    )
    role = models.CharField("権限", max_length=20, choices=Role.choices, default=Role.WORKER)
    started_on = models.DateField("開始日", default=timezone.localdate)
    ended_on = models.DateField("終了日", null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "所属"
        ordering = ["agency__kana", "staff__kana"]
        indexes = [models.Index(fields=["staff", "ended_on"])]

    def __str__(self) -> str:
        return f"{self.staff} / {self.agency}"


class MembershipChangeKind(models.TextChoices):
    ADDED = "added", "所属の追加"
    ROLE_CHANGED = "role_changed", "権限の変更"
    ENDED = "ended", "所属の終了"


class MembershipChangeQuerySet(models.QuerySet["MembershipChange"]):
    """Append-only. (Named for its model: django-stubs tells managers made by as_manager() apart by class name.)"""

    def update(self, **kwargs: Any) -> int:
        raise PermissionError("所属の変更記録は変更できません。")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("所属の変更記録は削除できません。")


class MembershipChange(models.Model):
    """所属の変更記録: who added, re-roled or ended whose membership, when. Append-only.

    Shown to the agency's managers (a dashboard panel) and to admins on the audit page, so that a membership an
    admin gives — the way into an agency's persons — is never silent.
    """

    at = models.DateTimeField("日時", default=timezone.now, db_index=True)
    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="changes", verbose_name="所属")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+", verbose_name="機関")
    staff = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+", verbose_name="職員")
    kind = models.CharField("変更", max_length=20, choices=MembershipChangeKind.choices)
    role_before = models.CharField("変更前の権限", max_length=20, choices=Role.choices, blank=True)
    role_after = models.CharField("変更後の権限", max_length=20, choices=Role.choices, blank=True)
    by = models.ForeignKey(
        Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="変更した職員"
    )

    objects = MembershipChangeQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "所属の変更記録"
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["agency", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_kind_display()} {self.staff_id}@{self.agency_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("所属の変更記録は変更できません。")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("所属の変更記録は削除できません。")


class ApiToken(models.Model):
    """A bearer token for an API client, acting as one staff member. Only a hash is stored."""

    staff = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="api_tokens", verbose_name="職員")
    name = models.CharField("用途", max_length=100)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField("先頭", max_length=8, editable=False)
    created_at = models.DateTimeField("発行日時", default=timezone.now)
    last_used_at = models.DateTimeField("最終利用", null=True, blank=True)
    revoked_at = models.DateTimeField("失効日時", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "APIトークン"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


def active_memberships_of(staff_id: int) -> models.QuerySet[Membership]:
    """A staff member's current memberships (those not ended), with their agencies and 職種."""
    return Membership.objects.filter(staff_id=staff_id, ended_on__isnull=True).select_related("agency", "job_role")
