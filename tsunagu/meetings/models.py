"""Meetings — the minimal part the information-sharing policy needs: who is a member, and what is on the agenda.

The meetings issue builds minutes, decisions and action items on top of these three models. Only two kinds
give a SharingBasis (tsunagu.sharing.policy):
- SUPPORT_MEETING (支援会議, 社会福祉法106条の6): current members may see a case or household while it is on
  the agenda, without the person's consent.
- CHILD_PROTECTION_COUNCIL (要保護児童対策地域協議会): a compartment; what is recorded under it is shown only
  to its current members.
The other kinds need consent (MULTI_AGENCY_MEETING) or share nothing personal.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords


class MeetingKind(models.TextChoices):
    SUPPORT_MEETING = "support_meeting", "支援会議"
    MULTI_AGENCY_MEETING = "multi_agency_meeting", "重層的支援会議"
    CHILD_PROTECTION_COUNCIL = "child_protection_council", "要保護児童対策地域協議会"
    CASE_SHARING = "case_sharing", "定例の情報共有会議"
    COMMUNITY_CARE = "community_care", "地域ケア会議"
    SELF_RELIANCE_COUNCIL = "self_reliance_council", "自立支援協議会"
    CASE_CONFERENCE = "case_conference", "ケース会議"


class Meeting(models.Model):
    """A standing meeting body (e.g. 「さくら野町支援会議」); its sittings are added by the meetings issue."""

    kind = models.CharField("種類", max_length=40, choices=MeetingKind.choices)
    title = models.CharField("会議名", max_length=200)
    convened_by = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, related_name="convened_meetings", verbose_name="主催機関"
    )
    created_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "会議"
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class MeetingMember(models.Model):
    """構成員: an agency (and optionally the staff member who sits). Former members stay on record: 守秘義務
    outlives membership, access does not."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="members")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="meeting_memberships")
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    joined_on = models.DateField("加入日", default=timezone.localdate)
    left_on = models.DateField("脱退日", null=True, blank=True)
    confidentiality_pledged_on = models.DateField("守秘義務の誓約日", null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "会議の構成員"
        indexes = [models.Index(fields=["agency", "left_on"])]

    def __str__(self) -> str:
        return f"{self.meeting} / {self.agency}"


class AgendaItem(models.Model):
    """A case or household taken up by a meeting. `removed_on` ends the access the meeting gave."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="agenda_items")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="agenda_items")
    household = models.ForeignKey(
        "people.Household", on_delete=models.PROTECT, null=True, blank=True, related_name="agenda_items"
    )
    added_on = models.DateField("付議日", default=timezone.localdate)
    removed_on = models.DateField("終了日", null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "会議の検討事項"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(case__isnull=False) | models.Q(household__isnull=False),
                name="agenda_item_has_subject",
            )
        ]

    def __str__(self) -> str:
        return f"{self.meeting} / {self.case_id or self.household_id}"


# ----------------------------------------------------------------------------------------------------------
# Sittings, minutes, decisions, action items and pledges (the meetings issue). Everything here is readable only
# by the meeting's current members (tsunagu.sharing.policy.meeting_access), so what a 要保護児童対策地域協議会
# records stays inside the council.
# ----------------------------------------------------------------------------------------------------------


class Recurrence(models.TextChoices):
    NONE = "", "不定期"
    WEEKLY = "weekly", "毎週"
    MONTHLY = "monthly", "毎月"
    QUARTERLY = "quarterly", "3か月ごと"


RECURRENCE_MONTHS = {Recurrence.MONTHLY: 1, Recurrence.QUARTERLY: 3}


class MeetingProfile(models.Model):
    """What a meeting body is for and how often it sits (kept beside Meeting so the policy's model stays small)."""

    meeting = models.OneToOneField(Meeting, on_delete=models.PROTECT, related_name="profile")
    purpose = models.TextField("趣旨・目的", blank=True)
    recurrence = models.CharField("開催周期", max_length=20, choices=Recurrence.choices, blank=True, default="")
    usual_place = models.CharField("主な会場", max_length=200, blank=True)
    archived_at = models.DateTimeField("廃止日時", null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "会議の概要"

    def __str__(self) -> str:
        return str(self.meeting_id)


class SittingStatus(models.TextChoices):
    PLANNED = "planned", "予定"
    HELD = "held", "開催済み"
    CANCELLED = "cancelled", "中止"


class Sitting(models.Model):
    """開催: one sitting of a meeting, with its minutes and the standing sections of a 定例の情報共有会議."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="sittings", verbose_name="会議")
    number = models.PositiveIntegerField("回", default=1)
    held_on = models.DateField("開催日", db_index=True)
    starts_at = models.TimeField("開始時刻", null=True, blank=True)
    place = models.CharField("会場", max_length=200, blank=True)
    status = models.CharField("状態", max_length=20, choices=SittingStatus.choices, default=SittingStatus.PLANNED)
    minutes = models.TextField("議事録", blank=True)
    # Standing sections of the monthly case-sharing meeting (とうべつ会議): ② and ③ of the seed.
    events = models.TextField("構成機関の会議・研修の予定", blank=True)
    topics = models.TextField("課題・話題", blank=True)
    attendees = models.ManyToManyField("agencies.Agency", blank=True, related_name="+", verbose_name="出席機関")
    minutes_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name="記録者")
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords(m2m_fields=[])

    class Meta:
        verbose_name = verbose_name_plural = "会議の開催"
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["meeting", "held_on"])]

    def __str__(self) -> str:
        return f"{self.meeting} 第{self.number}回"


class SittingItem(models.Model):
    """① 世帯・ケースの共有: what was said about one agenda item at one sitting."""

    sitting = models.ForeignKey(Sitting, on_delete=models.PROTECT, related_name="items")
    agenda_item = models.ForeignKey(AgendaItem, on_delete=models.PROTECT, related_name="discussions")
    discussion = models.TextField("検討内容", blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "検討内容"
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["sitting", "agenda_item"], name="one_discussion_per_item")]

    def __str__(self) -> str:
        return f"{self.sitting_id}/{self.agenda_item_id}"


class Decision(models.Model):
    sitting = models.ForeignKey(Sitting, on_delete=models.PROTECT, related_name="decisions")
    agenda_item = models.ForeignKey(AgendaItem, on_delete=models.PROTECT, null=True, blank=True, related_name="decisions")
    text = models.TextField("決定事項")
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "決定事項"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.text[:40]


class ActionStatus(models.TextChoices):
    OPEN = "open", "未完了"
    DONE = "done", "完了"
    CANCELLED = "cancelled", "取りやめ"


class ActionItem(models.Model):
    """役割分担: who does what by when. Shown on the owner agency's dashboard until done."""

    sitting = models.ForeignKey(Sitting, on_delete=models.PROTECT, related_name="action_items")
    agenda_item = models.ForeignKey(AgendaItem, on_delete=models.PROTECT, null=True, blank=True, related_name="action_items")
    description = models.CharField("内容", max_length=300)
    owner_agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="meeting_actions",
                                     verbose_name="担当機関")
    owner_staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="meeting_actions", verbose_name="担当者")
    due_on = models.DateField("期日", db_index=True)
    status = models.CharField("状況", max_length=20, choices=ActionStatus.choices, default=ActionStatus.OPEN)
    done_on = models.DateField("完了日", null=True, blank=True)
    result = models.TextField("結果", blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "会議の役割分担"
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["owner_agency", "status", "due_on"]),
                   models.Index(fields=["owner_staff", "status"])]

    def __str__(self) -> str:
        return self.description

    def is_overdue(self, today) -> bool:
        return self.status == ActionStatus.OPEN and self.due_on < today


class PledgeMethod(models.TextChoices):
    WRITTEN = "written", "誓約書（書面）"
    ELECTRONIC = "electronic", "画面で確認"


class ConfidentialityPledge(models.Model):
    """守秘義務の誓約: per member, per person who sits. Kept after the member leaves: the duty does not end."""

    member = models.ForeignKey(MeetingMember, on_delete=models.PROTECT, related_name="pledges")
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="誓約した職員")
    pledged_on = models.DateField("誓約日", default=timezone.localdate)
    method = models.CharField("方法", max_length=20, choices=PledgeMethod.choices, default=PledgeMethod.WRITTEN)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "守秘義務の誓約"
        ordering = ["pledged_on", "id"]
        constraints = [models.UniqueConstraint(fields=["member", "staff"], name="one_pledge_per_member_staff")]

    def __str__(self) -> str:
        return f"{self.member} / {self.staff_id}"
