"""Consent records, emergency disclosures and 照会 — the facts tsunagu.sharing.policy reasons about."""

from datetime import date
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords


class ConsentMethod(models.TextChoices):
    WRITTEN = "written", "書面"
    ORAL = "oral", "口頭（記録あり）"


class ConsentDecision(models.TextChoices):
    GIVEN = "given", "同意"
    REFUSED = "refused", "不同意"


class Consent(models.Model):
    """本人同意 — or 不同意: the person agrees (GIVEN) that the listed agencies may share her records, or refuses
    (REFUSED). A consent ends at expiry or withdrawal, at once: the policy checks the dates on every read. A refusal
    outweighs every consent to the same agency given before it (a consent given after it outweighs the refusal);
    it blocks the CONSENT basis and 重層的支援会議 for those agencies only — 支援会議, 要対協 and an emergency
    disclosure are bases without consent, and a refusal does not touch them."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="consents", verbose_name="本人")
    agencies = models.ManyToManyField("agencies.Agency", related_name="consents", verbose_name="共有先の機関")
    decision = models.CharField("意思", max_length=10, choices=ConsentDecision.choices, default=ConsentDecision.GIVEN)
    reason = models.TextField("理由（任意）", blank=True)
    recorded_by = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+", verbose_name="同意を得た機関")
    taken_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="同意を得た職員")
    given_on = models.DateField("同意日", default=timezone.localdate)
    method = models.CharField("方法", max_length=20, choices=ConsentMethod.choices, default=ConsentMethod.WRITTEN)
    expires_on = models.DateField("有効期限", null=True, blank=True)
    withdrawn_on = models.DateField("撤回日", null=True, blank=True)
    withdrawal_note = models.TextField("撤回の記録", blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "本人同意"
        ordering = ["-given_on", "-id"]

    def __str__(self) -> str:
        return f"{self.person} {self.given_on}"

    @property
    def is_refusal(self) -> bool:
        return self.decision == ConsentDecision.REFUSED

    def is_active(self, today: date) -> bool:
        return (
            self.decision == ConsentDecision.GIVEN
            and self.given_on <= today
            and (self.withdrawn_on is None or self.withdrawn_on > today)
            and (self.expires_on is None or self.expires_on >= today)
        )


class VitalGround(models.TextChoices):
    """The grounds on which personal information may be provided without consent (個人情報保護法 27条1項2号,
    69条2項4号): the protection of a person's life, body or property, when consent is hard to obtain."""

    LIFE = "life", "生命の保護"
    BODY = "body", "身体の保護"
    PROPERTY = "property", "財産の保護"


class VitalReview(models.TextChoices):
    CONFIRMED = "confirmed", "継続を認める"
    ENDED = "ended", "終了する"


class VitalInterestDisclosure(models.Model):
    """緊急時の情報提供 (break the glass): the agency that holds a person's records provides them to ONE named agency,
    on a ground of the law with a written reason. The receiving agency sees the person and the cases the providing
    agency recorded or leads — what it holds, nothing more — until the end of the third day (`expires_on`), unless
    the coordinator confirms it (then up to 14 days) or ends it at once. Every one is on the coordinator's review
    queue; the person's lead agencies are told."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="vital_disclosures", verbose_name="本人")
    from_agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+", verbose_name="提供元")
    to_agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="vital_disclosures", verbose_name="提供先")
    disclosed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="提供した職員")
    ground = models.CharField("根拠", max_length=20, choices=VitalGround.choices, blank=True, default="")
    reason = models.TextField("緊急の理由")
    disclosed_at = models.DateTimeField("提供日時", default=timezone.now)
    expires_on = models.DateField("有効期限")
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    reviewed_at = models.DateTimeField("確認日時", null=True, blank=True)
    review_note = models.TextField("確認の所見", blank=True)
    review_decision = models.CharField("確認の結果", max_length=20, choices=VitalReview.choices, blank=True, default="")
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "緊急時の情報提供"
        ordering = ["-disclosed_at"]

    def __str__(self) -> str:
        return f"{self.from_agency} → {self.to_agency} {self.disclosed_at:%Y-%m-%d}"


class InquiryStatus(models.TextChoices):
    OPEN = "open", "未対応"
    TAKEN_UP = "taken_up", "支援会議等で検討"
    CLOSED = "closed", "対応済み"


class Inquiry(models.Model):
    """照会: a worker was told a person "may be known elsewhere" and asks the coordinator to look into it.

    The asker never learns which agency holds the record. The coordinator sees `holder_agencies` so she can
    invite them to a 支援会議 — nothing else of their records.
    """

    from_agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="inquiries_sent")
    from_staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    query = models.CharField("照会の対象（氏名・住所など）", max_length=300)
    message = models.TextField("照会の内容", blank=True)
    consultation = models.ForeignKey("cases.Consultation", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    holder_agencies = models.ManyToManyField("agencies.Agency", related_name="+", blank=True)
    status = models.CharField(max_length=20, choices=InquiryStatus.choices, default=InquiryStatus.OPEN)
    created_at = models.DateTimeField(default=timezone.now)
    answered_at = models.DateTimeField(null=True, blank=True)
    answer = models.TextField("回答", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "照会"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"照会 {self.created_at:%Y-%m-%d} {self.from_agency}"


class ElsewhereAnswer(models.TextChoices):
    KNOWN = "known", "可能性あり"
    NOT_KNOWN = "not_known", "表示なし"
    LIMITED = "limited", "上限のため確認せず"


class AppendOnlyQuerySet(models.QuerySet["ElsewhereCheck"]):
    def update(self, **kwargs: Any) -> int:
        raise PermissionError("この記録は変更できません。")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("この記録は削除できません。")


class ElsewhereCheck(models.Model):
    """「他機関で把握されている可能性」の確認: the signal says whether anyone's records hold a name, so every ask
    is kept — who asked, for which agency, the text, when, and the answer — and counted against the staff
    member's daily limit (sharing.services.known_elsewhere_ask). Append-only, like the access log; not part of
    it, because an ask reads no row on a legal basis: it is a question about everyone's records."""

    at = models.DateTimeField("日時", default=timezone.now)
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="職員")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, null=True, related_name="+",
                               verbose_name="機関")
    text = models.CharField("確認した氏名・かな", max_length=100)
    answer = models.CharField("回答", max_length=10, choices=ElsewhereAnswer.choices)
    path = models.CharField("画面・API", max_length=300, blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "他機関で把握されている可能性の確認"
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["staff", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.staff_id} {self.answer}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("この記録は変更できません。")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("この記録は削除できません。")


# ==========================================================================================================
# 本人の権利: 支援チームのお知らせ, 開示請求, 転出・転入
# ==========================================================================================================


class RequestMethod(models.TextChoices):
    COUNTER = "counter", "窓口"
    PHONE = "phone", "電話"
    WRITTEN = "written", "書面"
    VISIT = "visit", "訪問時"


class TeamLetterRequest(models.Model):
    """支援チームのお知らせの申出: the person asked to be told in writing which agencies hold or see her information.
    Each print of the letter is one row (with the access-log row of the print); the agencies listed are kept as
    they were on the day, so what she was told can be shown later."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+", verbose_name="本人")
    requested_on = models.DateField("申出日")
    method = models.CharField("申出の方法", max_length=20, choices=RequestMethod.choices)
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+", verbose_name="交付した機関")
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="交付した職員")
    printed_at = models.DateTimeField("印刷日時", default=timezone.now)
    listed = models.JSONField("記載した機関と根拠", default=list)

    class Meta:
        verbose_name = verbose_name_plural = "支援チームのお知らせの申出"
        ordering = ["-printed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.person_id} {self.requested_on}"


DISCLOSURE_REQUEST_DAYS = 30


class DisclosureRequest(models.Model):
    """開示請求 (保有個人情報の開示請求, 個人情報保護法第76条): received by the coordinator (相談支援包括化推進員) with its
    受付番号. While open — from its receipt for DISCLOSURE_REQUEST_DAYS days, unless closed — it is a basis of its
    own (`SharingBasis.DISCLOSURE_REQUEST`): the coordinator who received it reads the person's rows across agencies
    for the bundle, every row logged. `persons` are the person rows (one per agency that recorded her) matched on
    the identity the requester proved; the holding agencies' managers see the request on their dashboard."""

    receipt_number = models.CharField("受付番号", max_length=40, unique=True)
    received_on = models.DateField("受付日")
    name = models.CharField("請求者（本人）の氏名", max_length=100)
    kana = models.CharField("ふりがな", max_length=200, blank=True)
    birth_date = models.DateField("生年月日")
    persons = models.ManyToManyField("people.Person", related_name="+", verbose_name="対象の記録")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+", verbose_name="受け付けた機関")
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name="受け付けた職員")
    expires_on = models.DateField("閲覧の期限")
    closed_on = models.DateField("終了日", null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "開示請求"
        ordering = ["-received_on", "-id"]

    def __str__(self) -> str:
        return f"開示請求 {self.receipt_number}"

    def is_open(self, today: date) -> bool:
        return self.received_on <= today <= self.expires_on and (self.closed_on is None or self.closed_on > today)


class ImplementingBody(models.Model):
    """実施機関: an agency that is part of the municipality's 実施機関 under 個人情報保護法 (the city's own offices).
    A 開示請求's bundle gives such an agency's records in full; of any other agency (a 社会福祉法人, an NPO
    commissioned by the city) it lists what is held, for that agency to answer itself. Not personal data."""

    agency = models.OneToOneField("agencies.Agency", on_delete=models.PROTECT, related_name="+", verbose_name="機関")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "実施機関"

    def __str__(self) -> str:
        return str(self.agency_id)


class MoveOut(models.Model):
    """転出: a case handed to another municipality as a bundle (docs/TRANSFER_SCHEMA.md). Recorded with what the
    bundle holds and on which consent, and logged as a disclosure of every row it carries. Not a 移管
    (`cases.CaseTransfer`), which changes the lead agency inside one municipality."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+", verbose_name="支援ケース")
    to_municipality = models.CharField("転出先の市区町村", max_length=100)
    consent_on = models.DateField("本人同意の日")
    consent_method = models.CharField("本人同意の方法", max_length=20, choices=ConsentMethod.choices)
    members = models.ManyToManyField("people.Person", blank=True, related_name="+", verbose_name="同意した世帯員")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+", verbose_name="転出元の機関")
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="職員")
    exported_at = models.DateTimeField("出力日時", default=timezone.now)
    schema_version = models.CharField("様式の版", max_length=10)
    sha256 = models.CharField("ファイルのハッシュ", max_length=64)

    class Meta:
        verbose_name = verbose_name_plural = "転出"
        ordering = ["-exported_at", "-id"]

    def __str__(self) -> str:
        return f"転出 {self.case_id} → {self.to_municipality}"


class MoveInStatus(models.TextChoices):
    OPEN = "open", "未対応"
    TAKEN_UP = "taken_up", "受け付けた"


class MoveIn(models.Model):
    """転入: a bundle from another municipality's Tsunagu (`tsunagu transfer import FILE`), an incoming referral
    for the coordinator. The bundle is kept as it came; nothing else is written until she takes it up."""

    received_at = models.DateTimeField("受信日時", default=timezone.now)
    schema_version = models.CharField("様式の版", max_length=10)
    from_municipality = models.CharField("転出元の市区町村", max_length=100)
    from_agency = models.CharField("転出元の機関", max_length=200)
    to_municipality = models.CharField("転出先の市区町村", max_length=100)
    person_name = models.CharField("本人の氏名", max_length=100)
    person_kana = models.CharField("ふりがな", max_length=200, blank=True)
    bundle = models.JSONField("引継ぎの内容")
    sha256 = models.CharField("ファイルのハッシュ", max_length=64, unique=True)
    status = models.CharField("状況", max_length=20, choices=MoveInStatus.choices, default=MoveInStatus.OPEN)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "転入の引継ぎ"
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return f"転入 {self.from_municipality} {self.received_at:%Y-%m-%d}"
