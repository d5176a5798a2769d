"""The social-resource directory (社会資源), aligned with Open Referral HSDS 3.0, plus a Japanese profile.

Every HSDS table is a model whose field names are the HSDS column names (a foreign key `organization` stores the
column `organization_id`), so the tabular import and export can be driven by the official datapackage.json
(hsds/datapackage.json). Identifiers are HSDS's: strings, UUIDs for the rows we create.

The Japanese profile (分野, 対象者, formal/informal, 公開/職員のみ, capacity and vacancy, 最終確認日, 管理機関) lives on
`Service`; it is what the staff screens and the public page filter on.
"""

import uuid
from datetime import timedelta

from django.db import models
from django.utils import timezone

from tsunagu.agencies.models import Field

VERIFY_EVERY = timedelta(days=365)


def new_id() -> str:
    return str(uuid.uuid4())


def _text(*, required: bool = False):
    # Strings stay strings (dates included): what is imported is exported unchanged. `required` documents the
    # HSDS rule; the importer enforces it with a Japanese message per row.
    return models.TextField(blank=not required, default="")


def _number():
    return models.FloatField(null=True, blank=True)


def _fk(target: str, related_name: str):
    # No database constraint: HSDS data may point at rows held elsewhere (the official examples do), and an
    # import must keep such ids rather than drop them. Django still joins and cascades through the relation.
    return models.ForeignKey(target, on_delete=models.CASCADE, null=True, blank=True, related_name=related_name,
                             db_constraint=False)


class HsdsModel(models.Model):
    id = models.CharField(primary_key=True, max_length=250, default=new_id, editable=False)
    hsds_table = ""

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return getattr(self, "name", "") or self.id


class Target(models.TextChoices):
    """対象者: who a resource is for (the public page filters on it)."""

    ANYONE = "anyone", "誰でも"
    ELDERLY = "elderly", "高齢の方"
    DISABILITY = "disability", "障害のある方"
    CHILDREN = "children", "子ども"
    PARENTS = "parents", "子育て中の家庭"
    YOUTH = "youth", "若者・ひきこもり"
    POVERTY = "poverty", "生活に困っている方"
    CARERS = "carers", "介護している家族"


class ResourceKind(models.TextChoices):
    FORMAL = "formal", "制度・専門機関"
    INFORMAL = "informal", "地域・インフォーマル"


class Visibility(models.TextChoices):
    PUBLIC = "public", "公開（住民向けページに掲載）"
    STAFF = "staff", "職員のみ"


WEEKDAYS = [("MO", "月"), ("TU", "火"), ("WE", "水"), ("TH", "木"), ("FR", "金"), ("SA", "土"), ("SU", "日")]


def tokens_to_list(value: str) -> list[str]:
    return [t for t in value.split(",") if t]


def list_to_tokens(values) -> str:
    """",a,b," — so one `icontains=",a,"` finds a value on SQLite and PostgreSQL alike (no JSON contains on SQLite)."""
    values = [v for v in values if v]
    return f",{','.join(values)}," if values else ""


class Taxonomy(HsdsModel):
    """HSDS `taxonomy`."""

    hsds_table = "taxonomy"
    name = _text(required=True)
    description = _text(required=True)
    uri = _text()
    version = _text()


class TaxonomyTerm(HsdsModel):
    """HSDS `taxonomy_term`."""

    hsds_table = "taxonomy_term"
    code = _text()
    name = _text(required=True)
    description = _text(required=True)
    parent = _fk("self", "children")
    taxonomy_label = _text()  # HSDS column `taxonomy` (a name; the FK takes `taxonomy_id`)
    language = _text()
    taxonomy = _fk("Taxonomy", "terms")
    term_uri = _text()


class Organization(HsdsModel):
    """HSDS `organization`."""

    hsds_table = "organization"
    name = _text(required=True)
    alternate_name = _text()
    description = _text(required=True)
    email = _text()
    website = _text()
    tax_status = _text()
    tax_id = _text()
    year_incorporated = _number()
    legal_status = _text()
    logo = _text()
    uri = _text()
    parent_organization = _fk("self", "children")


class Program(HsdsModel):
    """HSDS `program`."""

    hsds_table = "program"
    organization = _fk("Organization", "programs")
    name = _text(required=True)
    alternate_name = _text()
    description = _text(required=True)


class Service(HsdsModel):
    """HSDS `service`."""

    hsds_table = "service"
    organization = _fk("Organization", "services")
    program = _fk("Program", "services")
    name = _text(required=True)
    alternate_name = _text()
    description = _text()
    url = _text()
    email = _text()
    status = _text(required=True)
    interpretation_services = _text()
    application_process = _text()
    fees_description = _text()
    wait_time = _text()
    fees = _text()
    accreditations = _text()
    eligibility_description = _text()
    minimum_age = _number()
    maximum_age = _number()
    assured_date = _text()
    assurer_email = _text()
    licenses = _text()
    alert = _text()
    last_modified = _text()

    # ---- Japanese profile (not HSDS columns; exported as attributes where HSDS has a place for them) ----
    fields = models.CharField("分野", max_length=200, blank=True, default="")
    targets = models.CharField("対象者", max_length=200, blank=True, default="")
    kind = models.CharField("種類", max_length=10, choices=ResourceKind.choices, default=ResourceKind.FORMAL)
    visibility = models.CharField("公開範囲", max_length=10, choices=Visibility.choices, default=Visibility.STAFF)
    is_consultation_window = models.BooleanField("相談窓口", default=False)
    # 住民の入口: the description in やさしい日本語, shown instead of `description` on the public page in that language
    description_easy = models.TextField("内容（やさしい日本語）", blank=True, default="")
    district = models.CharField("地区", max_length=50, blank=True, default="")
    free = models.BooleanField("無料", default=False)
    keywords = models.CharField("検索用キーワード", max_length=300, blank=True, default="")
    capacity = models.PositiveIntegerField("定員", null=True, blank=True)
    vacancy = models.PositiveIntegerField("空き", null=True, blank=True)
    vacancy_updated_on = models.DateField("空き状況の更新日", null=True, blank=True)
    verified_on = models.DateField("最終確認日", null=True, blank=True)
    maintainer = models.ForeignKey(
        "agencies.Agency", on_delete=models.SET_NULL, null=True, blank=True, related_name="maintained_services",
        verbose_name="管理機関",
    )
    search_text = models.TextField(default="", blank=True, editable=False)  # normalised; see search.py
    search_name = models.TextField(default="", blank=True, editable=False)  # the name, normalised (ranking)
    search_chars = models.TextField(default="", blank=True, editable=False)  # one token per character (short words)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "社会資源"
        indexes = [
            models.Index(fields=["visibility", "status"]),
            models.Index(fields=["maintainer", "verified_on"]),
            models.Index(fields=["district"]),
            models.Index(fields=["updated_at"]),  # the latest changes (the public pages' cache key is the `directory` token)
            # Lists are in name order: the first page is read off this index instead of sorting every entry.
            models.Index(fields=["status", "name", "id"]),
            # The 相談窓口 (the public guide): a few dozen entries of tens of thousands, read in name order off their
            # own index rather than by testing every entry.
            models.Index(fields=["name"], condition=models.Q(is_consultation_window=True),
                         name="resources_service_windows"),
        ]

    @property
    def field_list(self) -> list[str]:
        return tokens_to_list(self.fields)

    @property
    def provider_name(self) -> str:
        """The organization's name; "" when there is none or its id points at a row held elsewhere (HSDS)."""
        try:
            return self.organization.name if self.organization else ""
        except Organization.DoesNotExist:
            return ""

    @property
    def field_labels(self) -> list[str]:
        labels = dict(Field.choices)
        return [labels.get(f, f) for f in self.field_list]

    @property
    def target_list(self) -> list[str]:
        return tokens_to_list(self.targets)

    @property
    def target_labels(self) -> list[str]:
        labels = dict(Target.choices)
        return [labels.get(t, t) for t in self.target_list]

    @property
    def is_public(self) -> bool:
        return self.visibility == Visibility.PUBLIC and self.status == "active"

    def needs_verification(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.verified_on is None or today - self.verified_on > VERIFY_EVERY


class Location(HsdsModel):
    """HSDS `location`."""

    hsds_table = "location"
    location_type = _text(required=True)
    url = _text()
    organization = _fk("Organization", "locations")
    name = _text()
    alternate_name = _text()
    description = _text()
    transportation = _text()
    latitude = _number()
    longitude = _number()
    external_identifier = _text()
    external_identifier_type = _text()


class ServiceAtLocation(HsdsModel):
    """HSDS `service_at_location`."""

    hsds_table = "service_at_location"
    service = _fk("Service", "service_at_locations")
    location = _fk("Location", "service_at_locations")
    description = _text()


class Address(HsdsModel):
    """HSDS `address`."""

    hsds_table = "address"
    location = _fk("Location", "addresses")
    attention = _text()
    address_1 = _text(required=True)
    address_2 = _text()
    city = _text(required=True)
    region = _text()
    state_province = _text(required=True)
    postal_code = _text(required=True)
    country = _text(required=True)
    address_type = _text(required=True)


class Contact(HsdsModel):
    """HSDS `contact`."""

    hsds_table = "contact"
    organization = _fk("Organization", "contacts")
    service = _fk("Service", "contacts")
    service_at_location = _fk("ServiceAtLocation", "contacts")
    location = _fk("Location", "contacts")
    name = _text()
    title = _text()
    department = _text()
    email = _text()


class Phone(HsdsModel):
    """HSDS `phone`."""

    hsds_table = "phone"
    location = _fk("Location", "phones")
    service = _fk("Service", "phones")
    organization = _fk("Organization", "phones")
    contact = _fk("Contact", "phones")
    service_at_location = _fk("ServiceAtLocation", "phones")
    number = _text(required=True)
    extension = _number()
    type = _text()
    description = _text()


class Schedule(HsdsModel):
    """HSDS `schedule`."""

    hsds_table = "schedule"
    service = _fk("Service", "schedules")
    location = _fk("Location", "schedules")
    service_at_location = _fk("ServiceAtLocation", "schedules")
    valid_from = _text()
    valid_to = _text()
    dtstart = _text()
    timezone = _number()
    until = _text()
    count = _number()
    wkst = _text()
    freq = _text()
    interval = _number()
    byday = _text()
    byweekno = _text()
    bymonthday = _text()
    byyearday = _text()
    description = _text()
    opens_at = _text()
    closes_at = _text()
    schedule_link = _text()
    attending_type = _text()
    notes = _text()

    @property
    def day_labels(self) -> str:
        names = dict(WEEKDAYS)
        return "・".join(names[d] for d in self.byday.split(",") if d in names)

    @property
    def summary(self) -> str:
        """毎週 火・金 10:00〜12:00 — how a schedule reads on a page."""
        parts = []
        if self.byday:
            prefix = "毎月" if self.freq == "MONTHLY" else "毎週"
            parts.append(f"{prefix} {self.day_labels}")
        if self.opens_at or self.closes_at:
            parts.append(f"{self.opens_at[:5]}〜{self.closes_at[:5]}")
        text = " ".join(parts)
        return f"{text}（{self.description}）" if text and self.description else (text or self.description)


class ServiceArea(HsdsModel):
    """HSDS `service_area`."""

    hsds_table = "service_area"
    service = _fk("Service", "service_areas")
    name = _text()
    description = _text()
    extent = _text()
    extent_type = _text()
    uri = _text()


class Language(HsdsModel):
    """HSDS `language`."""

    hsds_table = "language"
    service = _fk("Service", "languages")
    location = _fk("Location", "languages")
    phone = _fk("Phone", "languages")
    name = _text()
    code = _text()
    note = _text()


class Accessibility(HsdsModel):
    """HSDS `accessibility`."""

    hsds_table = "accessibility"
    location = _fk("Location", "accessibility")
    description = _text()
    details = _text()
    url = _text()


class CostOption(HsdsModel):
    """HSDS `cost_option`."""

    hsds_table = "cost_option"
    service = _fk("Service", "cost_options")
    valid_from = _text()
    valid_to = _text()
    option = _text()
    currency = _text()
    amount = _number()
    amount_description = _text()


class Funding(HsdsModel):
    """HSDS `funding`."""

    hsds_table = "funding"
    organization = _fk("Organization", "funding")
    service = _fk("Service", "funding")
    source = _text()


class RequiredDocument(HsdsModel):
    """HSDS `required_document`."""

    hsds_table = "required_document"
    service = _fk("Service", "required_documents")
    document = _text()
    uri = _text()


class OrganizationIdentifier(HsdsModel):
    """HSDS `organization_identifier`."""

    hsds_table = "organization_identifier"
    organization = _fk("Organization", "organization_identifiers")
    identifier_scheme = _text()
    identifier_type = _text(required=True)
    identifier = _text(required=True)


class Attribute(HsdsModel):
    """HSDS `attribute`."""

    hsds_table = "attribute"
    link_id = _text(required=True)
    taxonomy_term = _fk("TaxonomyTerm", "attributes")
    link_type = _text()
    link_entity = _text(required=True)
    value = _text()


class Metadata(HsdsModel):
    """HSDS `metadata`."""

    hsds_table = "metadata"
    resource_id = _text(required=True)
    resource_type = _text(required=True)
    last_action_date = _text(required=True)
    last_action_type = _text(required=True)
    field_name = _text(required=True)
    previous_value = _text(required=True)
    replacement_value = _text(required=True)
    updated_by = _text(required=True)


class MetaTableDescription(HsdsModel):
    """HSDS `meta_table_description`."""

    hsds_table = "meta_table_description"
    name = _text()
    language = _text()
    character_set = _text()


class OfferStatus(models.TextChoices):
    OPEN = "open", "受付中"
    MATCHED = "matched", "つながった"
    CLOSED = "closed", "終了"


class OffererKind(models.TextChoices):
    RESIDENT = "resident", "住民"
    BUSINESS = "business", "企業・商店"
    GROUP = "group", "地域団体・サークル"
    AGENCY = "agency", "関係機関"


class Offer(models.Model):
    """空いている人・もの・時間: something a resident, business or group can give, waiting to meet a need."""

    title = models.CharField("提供できること", max_length=120)
    offerer_kind = models.CharField("提供者の種別", max_length=10, choices=OffererKind.choices)
    offerer_name = models.CharField("提供者（団体名・呼び名）", max_length=100)
    contact_note = models.CharField("連絡方法（職員のみ）", max_length=200, blank=True)
    description = models.TextField("内容", blank=True)
    availability = models.CharField("空いている日時", max_length=100, blank=True)
    fields = models.CharField("分野", max_length=200, blank=True, default="")
    targets = models.CharField("対象者", max_length=200, blank=True, default="")
    district = models.CharField("地区", max_length=50, blank=True)
    status = models.CharField("状態", max_length=10, choices=OfferStatus.choices, default=OfferStatus.OPEN)
    recorded_by = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+", verbose_name="記録した機関")
    resulting_service = models.ForeignKey(
        Service, on_delete=models.SET_NULL, null=True, blank=True, related_name="offers", verbose_name="生まれた社会資源"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "空いている人・もの・時間"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    @property
    def field_labels(self) -> list[str]:
        labels = dict(Field.choices)
        return [labels.get(f, f) for f in tokens_to_list(self.fields)]


class NeedStatus(models.TextChoices):
    OPEN = "open", "未充足"
    MET = "met", "充足"


class UnmetNeed(models.Model):
    """地域で足りない資源: a need no resource met, recorded without naming anyone (counts, not people)."""

    description = models.CharField("足りないもの・困りごと", max_length=200)
    fields = models.CharField("分野", max_length=200, blank=True, default="")
    targets = models.CharField("対象者", max_length=200, blank=True, default="")
    district = models.CharField("地区", max_length=50, blank=True)
    people_count = models.PositiveIntegerField("該当する人数（概数）", default=1)
    status = models.CharField("状態", max_length=10, choices=NeedStatus.choices, default=NeedStatus.OPEN)
    met_by = models.ForeignKey(Service, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                               verbose_name="対応した社会資源")
    recorded_by = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+", verbose_name="記録した機関")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "足りない社会資源"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.description

    @property
    def field_labels(self) -> list[str]:
        labels = dict(Field.choices)
        return [labels.get(f, f) for f in tokens_to_list(self.fields)]


class CommunityPlace(models.Model):
    """地域づくりの拠点: an entry of the directory registered as a place of 地域づくりに向けた支援 (社会福祉法第106条の4
    第2項第3号) — a 居場所, a サロン, a 通いの場. Its activities are counted month by month; no person is named."""

    service = models.OneToOneField(Service, on_delete=models.PROTECT, related_name="community_place",
                                   verbose_name="社会資源")
    registered_on = models.DateField("拠点としての登録日", default=timezone.localdate)
    recorded_by = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+",
                                    verbose_name="登録した機関")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "地域づくりの拠点"
        ordering = ["registered_on", "pk"]

    def __str__(self) -> str:
        return str(self.service_id)


class CommunityActivity(models.Model):
    """An activity held at a 拠点 (a サロン, a 子ども食堂 …), run and recorded by one agency."""

    place = models.ForeignKey(CommunityPlace, on_delete=models.PROTECT, related_name="activities", verbose_name="拠点")
    name = models.CharField("活動名", max_length=120)
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+",
                               verbose_name="運営・記録する機関")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "地域づくりの活動"
        ordering = ["place", "name", "pk"]
        constraints = [models.UniqueConstraint(fields=["place", "name"], name="resources_activity_one_name_a_place")]

    def __str__(self) -> str:
        return self.name


class ActivityMonth(models.Model):
    """One month of an activity: how many took part (延べ人数, a number — nobody is named) and which agencies joined."""

    activity = models.ForeignKey(CommunityActivity, on_delete=models.PROTECT, related_name="months",
                                 verbose_name="活動")
    month = models.DateField("月")  # its first day
    participants = models.PositiveIntegerField("参加者数（延べ）")
    agencies = models.ManyToManyField("agencies.Agency", through="ActivityAgency", related_name="+",
                                      verbose_name="参加機関")
    recorded_by = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+",
                                    verbose_name="記録した機関")
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "地域づくりの活動の月次実績"
        ordering = ["-month", "activity"]
        constraints = [models.UniqueConstraint(fields=["activity", "month"], name="resources_activity_month_once")]
        indexes = [models.Index(fields=["month", "activity"])]

    def __str__(self) -> str:
        return f"{self.activity_id} {self.month:%Y-%m}"


class ActivityAgency(models.Model):
    """An agency that took part in a month of an activity (参加機関)."""

    activity_month = models.ForeignKey(ActivityMonth, on_delete=models.CASCADE, related_name="participations")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["activity_month", "agency"], name="resources_activity_agency_once")]

    def __str__(self) -> str:
        return f"{self.activity_month_id}: {self.agency_id}"


class ImportStatus(models.TextChoices):
    QUEUED = "queued", "順番待ち"
    RUNNING = "running", "取り込み中"
    DONE = "done", "完了"
    FAILED = "failed", "取り込めませんでした"


UNFINISHED = (ImportStatus.QUEUED, ImportStatus.RUNNING)


class HsdsImport(models.Model):
    """An HSDS data package uploaded on the page (a .zip of the CSV files, or one .json file) and imported by the
    worker: who, when, the file itself, how far the import has got, and what came of it — the counts, or the
    problems found (in Japanese, with file, line and column), in which case nothing was written. Kept, never
    deleted: the record of what changed the directory (nothing in it is about a person)."""

    uploaded_by = models.ForeignKey("agencies.Staff", on_delete=models.PROTECT, related_name="+",
                                    verbose_name="取り込んだ職員")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+", verbose_name="機関")
    created_at = models.DateTimeField("受付日時", default=timezone.now)
    file_name = models.CharField("ファイル名", max_length=255)
    size = models.PositiveBigIntegerField("大きさ（バイト）")
    package = models.BinaryField("ファイル")  # ≤ forms.MAX_PACKAGE_BYTES; read by the worker, kept with the record
    visibility = models.CharField("新しい資源の公開範囲", max_length=10, choices=Visibility.choices,
                                  default=Visibility.PUBLIC)
    status = models.CharField("状態", max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED)
    task_id = models.CharField(max_length=64, blank=True, default="")
    stage = models.CharField("段階", max_length=200, blank=True, default="")
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    unit = models.CharField(max_length=10, blank=True, default="")
    started_at = models.DateTimeField(null=True, blank=True)
    progress_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    findings = models.JSONField("見つかった問題", default=list, blank=True)
    message = models.TextField(blank=True, default="")
    created = models.JSONField("新規（表ごと）", default=dict, blank=True)
    updated = models.JSONField("更新（表ごと）", default=dict, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "HSDS の取り込み"
        ordering = ["-created_at", "-id"]
        # One import at a time: the database holds at most one queued or running row (services.hsds_import_enqueue).
        constraints = [models.UniqueConstraint(
            models.ExpressionWrapper(models.Q(status__in=UNFINISHED), output_field=models.BooleanField()),
            condition=models.Q(status__in=UNFINISHED), name="resources_one_hsds_import_at_a_time")]

    def __str__(self) -> str:
        return f"{self.file_name}（{self.get_status_display()}）"

    @property
    def finished(self) -> bool:
        return self.status not in UNFINISHED

    @property
    def created_total(self) -> int:
        return sum(self.created.values())

    @property
    def updated_total(self) -> int:
        return sum(self.updated.values())
