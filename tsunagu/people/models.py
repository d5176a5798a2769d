"""本人・世帯: persons and households as each agency recorded them.

Every row belongs to the agency that recorded it (`agency`): that is the OWN_AGENCY basis of the sharing policy.
The same human being recorded by two agencies is two rows, on purpose — finding that they are one person is
名寄せ (tsunagu.identity), and whether one agency may see the other's row is decided by tsunagu.sharing.policy.

Nothing here is hard-deleted: `archived_at` hides a record, simple_history keeps every version, and `version`
guards against silent overwrites (tsunagu.core.locking).
"""

from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from tsunagu.agencies.models import Field
from tsunagu.identity.normalize import search_key as make_search_key
from tsunagu.identity.normalize import wareki
from tsunagu.rules.household import age_on


class Sex(models.TextChoices):
    MALE = "M", "男"
    FEMALE = "F", "女"
    UNKNOWN = "", "不明・未記入"


class RelationshipKind(models.TextChoices):
    """続柄 (glossary). Read as: `from_person` is the <kind> of `to_person`."""

    HUSBAND = "husband", "夫"
    WIFE = "wife", "妻"
    FATHER = "father", "父"
    MOTHER = "mother", "母"
    CHILD = "child", "子"
    GRANDCHILD = "grandchild", "孫"
    GRANDFATHER = "grandfather", "祖父"
    GRANDMOTHER = "grandmother", "祖母"
    SIBLING = "sibling", "兄弟姉妹"
    LODGER = "lodger", "同居人"
    OTHER = "other", "その他"


class Person(models.Model):
    agency = models.ForeignKey(  # indexed with the id (Meta): an agency's persons read off the index alone
        "agencies.Agency", on_delete=models.PROTECT, related_name="persons", verbose_name="記録した機関", db_index=False
    )
    name = models.CharField("氏名", max_length=100)  # as written, 外字 included: never normalised in place
    kana = models.CharField("ふりがな", max_length=200, blank=True)
    birth_date = models.DateField("生年月日", null=True, blank=True)
    sex = models.CharField("性別", max_length=1, choices=Sex.choices, blank=True, default="")
    address = models.CharField("住所", max_length=300, blank=True)
    phone = models.CharField("電話番号", max_length=40, blank=True)
    notes = models.TextField("備考", blank=True)
    # Precomputed by identity.normalize.search_key over name + kana, so search is one indexed LIKE query.
    search_key = models.CharField(max_length=400, db_index=True, editable=False, default="")
    created_at = models.DateTimeField("登録日時", default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    archived_at = models.DateTimeField("非表示にした日時", null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "本人"
        ordering = ["kana", "id"]
        # the list's order (the whole list's pages, and a one-character search, are read off it)
        # and an agency's persons as ids, read off the index alone (it serves as the agency's own index too)
        indexes = [models.Index(fields=["agency", "search_key"]), models.Index(fields=["kana", "id"], name="people_person_kana_idx"),
                   models.Index(fields=["agency", "id"], name="people_person_agency_ids")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.search_key = person_search_key(self.name, self.kana)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and ({"name", "kana"} & set(update_fields)):
            kwargs["update_fields"] = [*update_fields, "search_key"]
        super().save(*args, **kwargs)

    @property
    def birth_date_wareki(self) -> str:
        return wareki(self.birth_date) if self.birth_date else ""

    @property
    def age(self) -> int | None:
        return self.age_on(timezone.localdate())

    def age_on(self, day: date) -> int | None:
        return age_on(self.birth_date, day) if self.birth_date else None


def person_search_key(name: str, kana: str) -> str:
    # Name and reading joined by a separator no key contains, so a search never matches across the two.
    return f"{make_search_key(name)}|{make_search_key(kana)}"


class Household(models.Model):
    agency = models.ForeignKey(  # indexed with the id (Meta), as a person's
        "agencies.Agency", on_delete=models.PROTECT, related_name="households", verbose_name="記録した機関", db_index=False
    )
    name = models.CharField("世帯名", max_length=100)
    address = models.CharField("住所", max_length=300, blank=True)
    multi_issue = models.BooleanField("複合課題世帯", default=False)
    multi_issue_fields = models.JSONField("課題のある分野", default=list, blank=True)
    notes = models.TextField("備考", blank=True)
    search_key = models.CharField(max_length=400, db_index=True, editable=False, default="")
    created_at = models.DateTimeField("登録日時", default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    archived_at = models.DateTimeField("非表示にした日時", null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "世帯"
        ordering = ["name", "id"]
        # the coordinator's 制度の狭間 list reads the multi-issue households (a few in a hundred) without a scan
        indexes = [models.Index(fields=["id"], condition=models.Q(multi_issue=True, archived_at__isnull=True),
                                name="people_household_multi_issue"),
                   models.Index(fields=["agency", "id"], name="people_household_agency_ids")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.search_key = make_search_key(self.name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = [*update_fields, "search_key"]
        super().save(*args, **kwargs)

    @property
    def multi_issue_labels(self) -> list[str]:
        labels = dict(Field.choices)
        return [labels.get(f, f) for f in self.multi_issue_fields]


class HouseholdMember(models.Model):
    """世帯員: a person in a household, with the 続柄 to the head (世帯主). Leaving ends the row, never deletes it."""

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="members", verbose_name="世帯")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="household_memberships", verbose_name="本人")
    is_head = models.BooleanField("世帯主", default=False)
    relation_to_head = models.CharField("世帯主との続柄", max_length=20, choices=RelationshipKind.choices, blank=True)
    joined_on = models.DateField("転入・同居開始", default=timezone.localdate)
    left_on = models.DateField("転出・同居終了", null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "世帯員"
        ordering = ["-is_head", "person__birth_date", "id"]
        indexes = [models.Index(fields=["person", "left_on"]), models.Index(fields=["household", "left_on"])]

    def __str__(self) -> str:
        return f"{self.household} / {self.person}"


class Relationship(models.Model):
    """続柄 between two persons: `from_person` is the `kind` of `to_person` (e.g. 父 of)."""

    from_person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="relationships_from")
    to_person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="relationships_to")
    kind = models.CharField("続柄", max_length=20, choices=RelationshipKind.choices)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "続柄"
        constraints = [models.UniqueConstraint(fields=["from_person", "to_person"], name="one_relationship_per_pair")]

    def __str__(self) -> str:
        return f"{self.from_person} は {self.to_person} の{self.get_kind_display()}"


class PersonGram(models.Model):
    """A two-character piece of a person's search key (people.search_index): search reads the persons holding
    every piece of the query here, then checks the whole key on those few, instead of scanning every key.

    `kana` is the person's, copied with the pieces: the index gives a piece's holders in the list's order (ふりがな,
    then id), so a page of a search is read off it and stops after its rows, however many persons match. `agency`
    (the recording agency's) too: the sharing policy reads an agency's own holders off the index alone, without
    reading the person of each holder another agency recorded (on a 政令市, most of a small agency's candidates)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="grams", db_index=False)
    gram = models.CharField(max_length=2)
    kana = models.CharField(max_length=200, blank=True, default="")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+", db_index=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "gram"], name="one_gram_per_person")]
        indexes = [models.Index(fields=["gram", "kana", "person", "agency"], name="people_person_gram_order_idx")]

    def __str__(self) -> str:
        return self.gram


class HouseholdGram(models.Model):
    """The same for a household's name (search_households)."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="grams", db_index=False)
    gram = models.CharField(max_length=2)
    name = models.CharField(max_length=100, blank=True, default="")  # the household's: its list's order
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+", db_index=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["household", "gram"], name="one_gram_per_household")]
        indexes = [models.Index(fields=["gram", "name", "household", "agency"], name="people_hh_gram_order_idx")]

    def __str__(self) -> str:
        return self.gram
