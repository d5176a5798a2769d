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
    outlives membership, access does not. A member sees nothing of the meeting until her pledge is recorded
    (`confidentiality_pledged_on`, read by the policy); a join dated before the day it was recorded keeps its
    written reason (`joined_reason`)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="members")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="meeting_memberships")
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    joined_on = models.DateField("加入日", default=timezone.localdate)
    left_on = models.DateField("脱退日", null=True, blank=True)
    confidentiality_pledged_on = models.DateField("守秘義務の誓約日", null=True, blank=True)
    joined_reason = models.TextField("加入日を遡る理由", blank=True)
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
    # the members the item is about; for a 重層的支援会議 on a household, the members whose consent covers every
    # member agency — the others are left out (`left_out`, why, in words every member may read)
    members = models.ManyToManyField("people.Person", blank=True, related_name="+", verbose_name="対象の世帯員")
    left_out = models.CharField("共有しない世帯員について", max_length=300, blank=True)
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
    # The agenda items this sitting takes up (SittingItem). Until they are chosen (`items_chosen`: by the meeting's
    # governors, or fixed when the minutes are recorded as held) a sitting takes up the default the queries compute
    # (`queries.sitting_item_ids`): the items new since the previous sitting and those with open action items.
    agenda_items = models.ManyToManyField(AgendaItem, through="SittingItem", blank=True, related_name="sittings",
                                          verbose_name="取り上げる検討事項")
    items_chosen = models.BooleanField("取り上げる検討事項を決めた", default=False)
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
    """① 世帯・ケースの共有: an agenda item taken up at one sitting, and what was said about it there. The sitting's
    page, its print and the API show only the items its sitting takes up."""

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
    members = models.ManyToManyField("people.Person", blank=True, related_name="+", verbose_name="対象の世帯員")
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


# ----------------------------------------------------------------------------------------------------------
# Governance: proposals to the agenda and the meeting's history. The convening agency's managers (管理者・推進員)
# add and remove members and agenda items; other members propose, and the convener accepts or declines.
# ----------------------------------------------------------------------------------------------------------


class ProposalStatus(models.TextChoices):
    PENDING = "pending", "主催機関の判断待ち"
    ACCEPTED = "accepted", "検討事項になった"
    DECLINED = "declined", "見送り"


class AgendaProposal(models.Model):
    """A member's proposal to put a case or household on the agenda. The proposer saw it through the policy
    (`proposer_basis`); accepted, it becomes an AgendaItem."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="proposals")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    household = models.ForeignKey("people.Household", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    proposed_by_agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+",
                                           verbose_name="提案した機関")
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name="提案した職員")
    proposer_basis = models.CharField("提案した機関の閲覧の根拠", max_length=30)
    reason = models.TextField("提案の理由", blank=True)
    proposed_at = models.DateTimeField("提案日時", default=timezone.now)
    status = models.CharField("状況", max_length=20, choices=ProposalStatus.choices, default=ProposalStatus.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name="判断した職員")
    decided_at = models.DateTimeField("判断日時", null=True, blank=True)
    decline_reason = models.TextField("見送りの理由", blank=True)
    agenda_item = models.OneToOneField(AgendaItem, on_delete=models.PROTECT, null=True, blank=True,
                                       related_name="proposal")
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "検討事項の提案"
        ordering = ["-proposed_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(case__isnull=False) | models.Q(household__isnull=False),
                name="agenda_proposal_has_subject",
            )
        ]

    def __str__(self) -> str:
        return f"{self.meeting} / {self.case_id or self.household_id}"


class MeetingEventKind(models.TextChoices):
    CREATED = "created", "会議を作成"
    MEMBER_ADDED = "member_added", "構成員を追加"
    MEMBER_REMOVED = "member_removed", "構成員から除外"
    MEMBER_LEFT = "member_left", "構成員が脱退"
    PLEDGE_RECORDED = "pledge_recorded", "守秘義務の誓約を記録"
    AGENDA_ADDED = "agenda_added", "検討事項に追加"
    AGENDA_ENDED = "agenda_ended", "検討事項を終了"
    PROPOSAL_MADE = "proposal_made", "検討事項を提案"
    PROPOSAL_ACCEPTED = "proposal_accepted", "提案を受け入れ"
    PROPOSAL_DECLINED = "proposal_declined", "提案を見送り"
    SITTING_ITEMS = "sitting_items", "開催で取り上げる検討事項を変更"


class MeetingEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("会議の履歴は変更できません。")

    def delete(self):
        raise PermissionError("会議の履歴は削除できません。")


class MeetingEvent(models.Model):
    """会議の履歴 (append-only): who changed the meeting's members, pledges or agenda, acting for which agency.
    The subject of an agenda event is shown only to a reader with a basis for it (the row names it by key)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField("日時", default=timezone.now)
    kind = models.CharField("内容", max_length=30, choices=MeetingEventKind.choices)
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="職員")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, null=True, related_name="+",
                               verbose_name="機関")
    member = models.ForeignKey(MeetingMember, on_delete=models.PROTECT, null=True, blank=True, related_name="events")
    agenda_item = models.ForeignKey(AgendaItem, on_delete=models.PROTECT, null=True, blank=True, related_name="events")
    proposal = models.ForeignKey(AgendaProposal, on_delete=models.PROTECT, null=True, blank=True, related_name="events")
    note = models.TextField("補足", blank=True)

    objects = MeetingEventQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "会議の履歴"
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["meeting", "at"])]

    def __str__(self) -> str:
        return f"{self.meeting_id} {self.kind}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("会議の履歴は変更できません。")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("会議の履歴は削除できません。")
