"""The one registry of personal data: every model holding data about a resident, each of its fields, and the
個人情報ファイル (個人情報保護法第74条・第75条) it belongs to. Plain Python — model labels and field names as text —
so that every app may read it.

A model is personal when it is a person or household (`people.Person`, `people.Household`) or refers to a personal
model (a consultation, a case, a note about a case, an agenda item about a household …). Each such model is listed
with its fields split in two: `items`, the 記録項目 the 個人情報ファイル簿 names (field → its Japanese name), and
`other`, the fields that are not 記録項目 (keys, the links to other rows, the agency and staff member who recorded
it, bookkeeping). `history` says whether the model keeps a change history (django-simple-history).

tests/rules/test_personal_data.py holds this table to the models: a personal model missing here, a field in neither
list, or a `history` flag the model does not match fails the build — so a new personal field is named here, and in
the 個人情報ファイル簿 (`reports.filebook`), before it ships.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class PersonalFile:
    """A 個人情報ファイル, as its 個人情報ファイル簿 describes it (第74条第1項)."""

    key: str
    name: str  # 個人情報ファイルの名称
    office: str  # 利用に供される事務をつかさどる組織（the municipality's own name is added by the book）
    purpose: str  # 利用目的
    scope: str  # 記録範囲（本人として記録される個人の範囲）
    collection: str  # 記録情報の収集方法
    sensitive: str  # 要配慮個人情報が含まれるときは、その旨
    recipients: str  # 記録情報の経常的提供先
    special_procedure: str = "なし"  # 訂正・利用停止について他の法令による特別の手続
    kind: str = "電算処理ファイル（第60条第2項第1号）"  # 個人情報ファイルの種別
    note: str = ""  # 備考


@dataclass(frozen=True)
class Model:
    file: str  # PersonalFile.key
    items: dict[str, str]  # 記録項目: field → its Japanese name
    other: tuple[str, ...]  # fields that are not 記録項目
    history: bool  # keeps a change history


FILES = [
    PersonalFile(
        "consultation", "包括的相談支援・多機関協働事業 相談支援記録ファイル", "福祉総合相談の担当課（相談支援包括化推進員を含む）",
        "重層的支援体制整備事業（社会福祉法第106条の4）における相談の受付、アセスメント、支援プランの作成・評価、関係機関へのつなぎ、"
        "アウトリーチ等を通じた継続的支援及びフォローアップ、並びに複数の機関の記録の名寄せのため",
        "本市の相談支援機関に相談した者、その世帯員及び関係者、アウトリーチにより把握した者",
        "本人・家族からの聴取、関係機関からの情報提供（本人同意又は法令に基づくもの）、職員による訪問・観察",
        "含む（病歴、障害、生活保護の受給、犯罪被害の有無等を記録することがある）",
        "本人の同意を得た関係機関、支援会議（社会福祉法第106条の6）の構成員"),
    PersonalFile(
        "meeting", "支援会議・重層的支援会議 記録ファイル", "多機関協働事業の担当課",
        "支援会議（社会福祉法第106条の6）、重層的支援会議及び要保護児童対策地域協議会において、支援の方針、役割分担、"
        "取組の経過を検討し記録するため",
        "会議の検討事項とされた世帯及びその世帯員",
        "会議の構成機関からの情報提供、会議における協議",
        "含む（病歴、障害、虐待の有無等を記録することがある）",
        "会議の構成員（守秘義務の誓約をした機関に限る）"),
    PersonalFile(
        "consent", "情報共有の同意・提供記録ファイル", "多機関協働事業の担当課",
        "関係機関の間の情報共有について、本人の同意・不同意、緊急時の情報提供（生命・身体の保護のため）及び照会を記録し、"
        "共有の根拠を確認するため",
        "情報共有について同意・不同意を表明した者、緊急時の情報提供の対象となった者、照会の対象となった者",
        "本人からの聴取（同意書）、関係機関からの申出",
        "含まない（ただし緊急時の情報提供の理由に要配慮個人情報が含まれることがある）",
        "同意書に記載された関係機関"),
    PersonalFile(
        "participation", "参加支援事業 記録ファイル", "参加支援事業の担当課",
        "参加支援事業（社会福祉法第106条の4第2項第2号）において、本人と社会資源とのマッチング、受入先との調整、"
        "定着の確認を行うため",
        "参加支援事業の対象となった者",
        "本人からの聴取、受入先からの報告",
        "含む（障害等の配慮事項を記録することがある）",
        "受入先（本人の同意を得た範囲に限る）"),
]
BY_FILE = {f.key: f for f in FILES}

_STAFF = ("agency", "staff")


MODELS: dict[str, Model] = {
    # --- 相談支援記録ファイル --------------------------------------------------------------------------------------
    "people.Person": Model("consultation", {
        "name": "氏名", "kana": "ふりがな", "birth_date": "生年月日", "sex": "性別", "address": "住所", "phone": "電話番号",
        "notes": "備考"}, ("id", "agency", "search_key", "created_at", "created_by", "archived_at", "version"), history=True),
    "people.Household": Model("consultation", {
        "name": "世帯名", "address": "住所", "multi_issue": "複合課題世帯", "multi_issue_fields": "課題のある分野",
        "notes": "備考"}, ("id", "agency", "search_key", "created_at", "created_by", "archived_at", "version"), history=True),
    "people.HouseholdMember": Model("consultation", {
        "is_head": "世帯主", "relation_to_head": "世帯主との続柄", "joined_on": "転入・同居開始",
        "left_on": "転出・同居終了"}, ("id", "household", "person"), history=True),
    "people.Relationship": Model("consultation", {"kind": "続柄"}, ("id", "from_person", "to_person"), history=True),
    # the name search index (with the row's ふりがな / name, copied as its order)
    "people.PersonGram": Model("consultation", {}, ("id", "person", "gram", "kana", "agency"), history=False),
    "people.HouseholdGram": Model("consultation", {}, ("id", "household", "gram", "name", "agency"), history=False),
    "cases.Consultation": Model("consultation", {
        "received_on": "受付日", "route": "相談経路", "consulter": "相談者", "consulter_name": "相談者の氏名・関係",
        "main_complaint": "主訴", "concerns": "相談内容・課題", "primary_concern": "最も困っていること",
        "urgency": "緊急度", "first_response": "初期対応", "outcome": "受付の結果",
        "referred_to_welfare": "生活保護窓口へのつなぎ", "compartment": "区分（要保護児童対策地域協議会）",
        "voided_at": "取消日時", "void_reason": "取消の理由"},
        ("id", *_STAFF, "person", "household", "case", "created_at", "archived_at", "voided_by", "version"), history=True),
    "inquiries.HelpRequest": Model("consultation", {
        "received_at": "申込日時", "language": "申込みのことば", "who": "だれのことか", "topics": "困りごと",
        "message": "申込みの内容", "name": "呼び名", "contact_method": "連絡の方法", "contact": "連絡先",
        "contact_time": "連絡してよい時間", "urgency": "急ぎ", "status": "申込みの状況", "pass_note": "引継ぎの理由",
        "handled_at": "対応日時"},
        ("id", "owner_agency", "consultation", "passed_to", "handled_by", "version"), history=True),
    "cases.PersonConcern": Model("consultation", {
        "concern": "世帯員ごとの課題", "source": "把握した場面", "noted_on": "把握日", "compartment": "区分"},
        ("id", "person", "household", "case", "consultation", *_STAFF, "archived_at"), history=True),
    "cases.Case": Model("consultation", {
        "name": "呼び名", "title": "ケース名", "summary": "概要", "status": "支援の状況", "compartment": "区分",
        "opened_on": "支援開始日", "closed_on": "終結日"},
        ("id", "agency", "lead_agency", "subject_agency", "person", "household", "worker", "created_at", "updated_at", "archived_at",
         "version", "agencies"), history=True),
    "cases.CaseAgency": Model("consultation", {"role": "参加機関の役割", "joined_on": "参加日"}, ("id", "case", "agency"),
                              history=False),
    "cases.CaseTransfer": Model("consultation", {
        "basis": "移管先の共有の根拠", "reason": "移管の理由", "transferred_at": "移管日時"},
        ("id", "case", "from_agency", "to_agency", "transferred_by"), history=False),
    "cases.Assessment": Model("consultation", {
        "assessed_on": "アセスメント実施日", "areas": "領域ごとの所見", "summary": "総合所見",
        "screening": "スクリーニングの結果", "employment_support": "就労支援の対象"},
        ("id", "case", "person", *_STAFF, "version"), history=True),
    "cases.SupportPlan": Model("consultation", {
        "revision": "プランの版", "goals": "目標", "person_wishes": "本人の意向", "review_on": "見直し予定日",
        "employment_support": "就労支援の対象", "status": "プランの状態", "agreed_by": "同意した人", "agreed_on": "同意日"},
        ("id", "case", *_STAFF, "created_at", "version"), history=True),
    "cases.SupportPlanAction": Model("consultation", {
        "description": "支援内容", "resource_name": "社会資源", "due_on": "期日", "done_on": "完了日",
        "members": "対象の世帯員"}, ("id", "plan", "agency"), history=True),
    "cases.PlanReview": Model("consultation", {
        "reviewed_on": "評価日", "employed": "就労", "income_increased": "増収", "improved": "自立に向けた改善",
        "note": "評価の所見"}, ("id", "plan", *_STAFF, "created_at"), history=True),
    "cases.CaseNote": Model("consultation", {
        "written_on": "支援経過の日付", "kind": "支援経過の種別", "body": "支援経過の内容", "compartment": "区分",
        "members": "対象の世帯員"}, ("id", "case", *_STAFF, "created_at", "archived_at", "version"), history=True),
    "cases.Referral": Model("consultation", {
        "reason": "つなぐ理由", "request": "依頼内容", "due_on": "回答期日", "status": "つなぎの状況",
        "decline_reason": "辞退の理由", "outcome": "つなぎの結果", "sent_at": "依頼日時", "answered_at": "回答日時",
        "closed_at": "終了日時"}, ("id", "case", "person", "from_agency", "to_agency", "from_staff", "version"), history=True),
    "cases.ReferralEvent": Model("consultation", {"at": "つなぎの経過の日時", "status": "つなぎの状況", "comment": "経過の記録"},
                                 ("id", "referral", *_STAFF), history=False),
    "cases.Notification": Model("consultation", {"message": "お知らせの内容", "read_at": "既読日時"},
                                ("id", "agency", "referral", "created_at"), history=False),
    "ecomap.EcomapTie": Model("consultation", {
        "kind": "エコマップのつながりの種類", "label": "つながる社会資源・人", "strength": "つながりの強さ", "flow": "つながりの向き",
        "note": "エコマップのメモ", "started_on": "つながりの開始", "ended_on": "つながりの終了"},
        ("id", "case", "agency", "recorded_by", "created_by", "created_at"), history=True),
    "ecomap.GenogramFigure": Model("consultation", {
        "label": "ジェノグラムの人物（呼び方）", "sex": "性別", "birth_year": "生まれ年", "deceased": "死亡",
        "union_status": "婚姻等の関係"}, ("id", "household", "person", "partner_of", "parent_of", "recorded_by"),
        history=True),
    "followups.FollowUpSchedule": Model("consultation", {
        "interval_months": "フォローアップの間隔", "occurrences": "フォローアップの回数", "starts_on": "フォローアップの初回",
        "method": "フォローアップの方法", "purpose": "フォローアップの目的"},
        ("id", "case", *_STAFF, "created_by", "created_at"), history=True),
    "followups.FollowUp": Model("consultation", {
        "due_on": "フォローアップの予定日", "method": "フォローアップの方法", "status": "フォローアップの状況",
        "done_on": "フォローアップの実施日", "note": "フォローアップの記録"},
        ("id", "schedule", "case", *_STAFF, "created_at", "version"), history=True),
    "followups.CaseClosure": Model("consultation", {
        "closed_on": "終結日", "no_followup_reason": "フォローアップをしない理由"},
        ("id", "case", "schedule", "recorded_by", "agency", "created_at"), history=True),
    "followups.Outreach": Model("consultation", {
        "target": "アウトリーチの対象", "signs": "気づいたこと", "noticed_by": "気づいた人", "noticed_on": "気づいた日",
        "status": "アウトリーチの状況", "closed_reason": "アウトリーチの終了の理由"},
        ("id", *_STAFF, "person", "household", "created_at", "archived_at", "version"), history=True),
    "followups.OutreachVisit": Model("consultation", {"visited_on": "訪問日", "met": "本人に会えた", "note": "訪問時の様子"},
                                     ("id", "outreach", "staff"), history=True),
    "followups.VisitPlan": Model("consultation", {
        "household_wide": "世帯として訪問する", "frequency": "訪問頻度", "due_on": "次回の訪問予定日", "checks": "訪問時に確認すること",
        "last_visited_on": "前回の訪問日", "route_position": "訪問順"},
        ("id", "case", *_STAFF, "created_by", "created_at", "version"), history=True),
    "linkage.PersonLink": Model("consultation", {"cluster": "名寄せによる同一人物の番号", "household_group": "名寄せによる世帯の番号"},
                                ("id", "person", "run", "updated_at"), history=False),
    # the intake check's index (replaced by each run): a key is a name, a reading, a birth date, an address or a phone
    "linkage.BlockingKey": Model("consultation", {"key": "名寄せの照合キー（氏名・読み・生年月日・住所・電話番号）"},
                                 ("id", "person", "rule"), history=False),
    "linkage.NameTerm": Model("consultation", {"value": "名寄せの照合に使う氏名・読み・姓"}, ("id", "kind", "count"),
                              history=False),
    "linkage.ReviewPair": Model("consultation", {
        "weight": "名寄せの重み", "probability": "同一人物である確率", "twin": "双子の可能性", "explanation": "名寄せの判定の内訳"},
        ("id", "run", "person_a", "person_b", "decision"), history=False),
    "linkage.MergeDecision": Model("consultation", {
        "action": "名寄せの判断", "reason": "名寄せの判断の理由", "decided_at": "名寄せの判断の日時",
        "explanation": "名寄せの判定の内訳"}, ("id", "person_a", "person_b", "decided_by", "agency"), history=False),
    # --- 支援会議・重層的支援会議 記録ファイル -----------------------------------------------------------------------
    "meetings.AgendaItem": Model("meeting", {
        "added_on": "付議日", "removed_on": "検討の終了日", "left_out": "共有しない世帯員について", "members": "対象の世帯員"},
        ("id", "meeting", "case", "household"), history=True),
    "meetings.AgendaProposal": Model("meeting", {
        "proposer_basis": "提案した機関の閲覧の根拠", "reason": "提案の理由", "proposed_at": "提案日時", "status": "提案の状況",
        "decided_at": "判断日時", "decline_reason": "見送りの理由"},
        ("id", "meeting", "case", "household", "proposed_by_agency", "proposed_by", "decided_by", "agenda_item"),
        history=True),
    "meetings.Sitting": Model("meeting", {
        "number": "開催回", "held_on": "開催日", "starts_at": "開始時刻", "place": "会場", "status": "開催の状態",
        "minutes": "議事録", "events": "構成機関の会議・研修の予定", "topics": "課題・話題", "items_chosen": "取り上げる検討事項を決めた",
        "agenda_items": "取り上げた検討事項"}, ("id", "meeting", "minutes_by", "created_at", "version", "attendees"),
        history=True),
    "meetings.SittingItem": Model("meeting", {"discussion": "検討内容"}, ("id", "sitting", "agenda_item"), history=True),
    "meetings.Decision": Model("meeting", {"text": "決定事項"}, ("id", "sitting", "agenda_item"), history=True),
    "meetings.ActionItem": Model("meeting", {
        "description": "役割分担の内容", "due_on": "期日", "status": "役割分担の状況", "done_on": "完了日", "result": "結果",
        "members": "対象の世帯員"},
        ("id", "sitting", "agenda_item", "owner_agency", "owner_staff", "created_at", "version"), history=True),
    "meetings.MeetingEvent": Model("meeting", {"at": "会議の経過の日時", "kind": "会議の経過の内容", "note": "補足"},
                                   ("id", "meeting", "member", "agenda_item", "proposal", *_STAFF), history=False),
    # --- 情報共有の同意・提供記録ファイル ----------------------------------------------------------------------------
    "sharing.Consent": Model("consent", {
        "decision": "同意・不同意", "reason": "理由", "given_on": "同意日", "method": "同意の方法", "expires_on": "有効期限",
        "withdrawn_on": "撤回日", "withdrawal_note": "撤回の記録", "agencies": "共有先の機関"},
        ("id", "person", "recorded_by", "taken_by"), history=True),
    "sharing.VitalInterestDisclosure": Model("consent", {
        "ground": "緊急時の情報提供の根拠", "reason": "緊急の理由", "disclosed_at": "提供日時", "expires_on": "提供の有効期限",
        "reviewed_at": "確認日時", "review_note": "確認の所見", "review_decision": "確認の結果"},
        ("id", "person", "from_agency", "to_agency", "disclosed_by", "reviewed_by"), history=True),
    "sharing.Inquiry": Model("consent", {
        "query": "照会の対象（氏名・住所など）", "message": "照会の内容", "status": "照会の状況", "answered_at": "回答日時",
        "answer": "照会への回答"}, ("id", "consultation", "from_agency", "from_staff", "created_at", "holder_agencies"),
        history=False),
    # 本人の権利 (sharing.rights, sharing.move_out)
    "sharing.TeamLetterRequest": Model("consent", {
        "requested_on": "支援チームのお知らせの申出日", "method": "申出の方法", "printed_at": "お知らせの印刷日時",
        "listed": "お知らせに記載した機関と根拠"}, ("id", "person", "agency", "staff"), history=False),
    "sharing.DisclosureRequest": Model("consent", {
        "receipt_number": "開示請求の受付番号", "received_on": "開示請求の受付日", "name": "開示請求者の氏名",
        "kana": "開示請求者のふりがな", "birth_date": "開示請求者の生年月日", "expires_on": "開示請求による閲覧の期限",
        "closed_on": "開示請求の終了日"}, ("id", "persons", "agency", "received_by", "created_at"), history=True),
    "sharing.MoveOut": Model("consent", {
        "to_municipality": "転出先の市区町村", "consent_on": "転出の本人同意の日", "consent_method": "転出の本人同意の方法",
        "exported_at": "転出の引継ぎの出力日時"}, ("id", "case", "members", "agency", "staff", "schema_version", "sha256"),
        history=False),
    "sharing.MoveIn": Model("consent", {
        "received_at": "転入の引継ぎの受信日時", "from_municipality": "転出元の市区町村", "from_agency": "転出元の機関",
        "person_name": "転入者の氏名", "person_kana": "転入者のふりがな", "bundle": "転入の引継ぎの内容",
        "status": "転入の引継ぎの状況"}, ("id", "schema_version", "to_municipality", "sha256"), history=True),
    # --- 参加支援事業 記録ファイル ---------------------------------------------------------------------------------
    "participation.Placement": Model("participation", {
        "purpose": "参加支援の目的", "arrangement": "オーダーメイドの内容", "host_contact": "受け入れ先の担当者・連絡先",
        "started_on": "参加の開始日", "ended_on": "参加の終了日", "end_reason": "終了の理由", "status": "参加の状態"},
        ("id", "case", "person", "service", "agency", "created_by", "created_at", "version"), history=True),
    "participation.PlacementCheckIn": Model("participation", {"on": "定着確認の日付", "note": "定着確認の様子"},
                                            ("id", "placement", *_STAFF, "created_at"), history=False),
}


def items_of(file_key: str) -> list[str]:
    """The 記録項目 of a file, each once, in the order of the table."""
    seen: dict[str, None] = {}
    for model in MODELS.values():
        if model.file == file_key:
            for name in model.items.values():
                seen.setdefault(name, None)
    return list(seen)
