"""The seed's own sheets and findings, offered as built-ins (created on first use, editable afterwards)."""

from typing import Any

WORKSHEETS: list[dict[str, Any]] = [
    {
        "key": "workshop_sheet",
        "name": "ワークショップシート",
        "description": "講演を聞いての感想と、これから取り組みたいこと・課題・アイデアを書いてください（記入任意）。",
        "questions": [
            {"key": "impression", "label": "1. 講演の感想", "kind": "text"},
            {"key": "want_to_do", "label": "2. 自分が取り組みたいとおもったこと", "kind": "text"},
            {"key": "challenge", "label": "3. 取り組み推進にあたっての課題（具体的に）", "kind": "text",
             "help": "ケースのことでも政策面でも業務的なことでも構いません。自分のこと・所属先のこと・地域のこといずれでも。"},
            {"key": "idea", "label": "4. 市町村で今後取り組むべきことについてのアイデア", "kind": "text"},
        ],
    },
    {
        "key": "case_sheet",
        "name": "第2回 事前ワークシート（ケースで考える重層的相談支援＆社会資源）",
        "description": "今までのケースをふり返って、連携の成功要因や課題を書いてください。所属・氏名は公表しません。",
        "questions": [
            {"key": "success_case", "label": "(A) 連携して対応に成功したケース（つながっていてよかったケース）", "kind": "text"},
            {"key": "difficult_case", "label": "(B) 連携が難しかった／関知したが、解決に結びつかなかったケース", "kind": "text"},
            {"key": "success_factor", "label": "(a) 上記ケースにおける連携の成功要因", "kind": "text"},
            {"key": "wanted_agency", "label": "(b) 連携したかった機関", "kind": "text"},
            {"key": "wanted_resource", "label": "(c) あったらよかった社会資源", "kind": "text"},
        ],
    },
    {
        "key": "meeting_list",
        "name": "第3回 事前ワークシート（会議・研修一覧）",
        "description": "ご所属の機関・部署が主催または出席している会議・研修について書いてください。",
        "questions": [
            {"key": "meetings", "label": "会議・研修", "kind": "rows",
             "columns": ["区分（会議／研修）", "会議・研修名", "趣旨・目的", "対象", "回数", "法定・市独自・自主", "重要度（主観）"]},
        ],
    },
    {
        "key": "meeting_groupwork",
        "name": "第3回 グループワークシート（会議・研修の業務効率化）",
        "description": "グループで一つのシートにまとめます。",
        "questions": [
            {"key": "target", "label": "効率化できる会議・研修", "kind": "text"},
            {"key": "method", "label": "効率化の方法（例：共催、同日同会場で時間をずらして開催する、等）", "kind": "text"},
            {"key": "effect", "label": "期待できる効果（例：準備にかかる事務省力化、会議内容の充実、ネットワーク形成支援、等）", "kind": "text"},
        ],
    },
    {
        "key": "efficiency_sheet",
        "name": "第4回 事前ワークシート（事務・事業の効率化）",
        "description": "事務については ICT の活用等、事業については参加支援・地域づくりに向けた支援を念頭に書いてください。",
        "questions": [
            {"key": "low_need", "label": "必要性が低いと感じる事務", "kind": "text"},
            {"key": "improve", "label": "効率化したい事務", "kind": "text"},
            {"key": "improve_idea", "label": "効率化のアイデア（ICTの活用等）", "kind": "text"},
            {"key": "projects", "label": "現在、どのような事業を実施していますか（参加支援・地域づくりに向けた支援）", "kind": "text"},
            {"key": "cross_idea", "label": "領域を超えた協働・展開のアイデア", "kind": "text"},
        ],
    },
]

TRIAL_CODES = [
    ("a", "安心できる人・場所", "一体的実施による「安心できる人・場所」の提供"),
    ("b", "多分野連携", "多分野連携による世帯の複合課題への対応・高齢障害者への円滑な対応"),
    ("c", "地域とのつながり", "地域とのつながり構築"),
    ("d", "他事業への助言", "相談員の専門的視点を活かした他事業へのアドバイス"),
    ("e", "相談員の資質向上・メンタルケア", "相談員同士の資質向上及びメンタルケア"),
]

# Words that place a theme under 参加支援・地域づくり rather than 相談支援 (the seed's two headings).
PARTICIPATION_WORDS = (
    "参加", "地域づくり", "地域", "資源", "居場所", "就労", "サロン", "ボランティア", "住民", "活動", "発信",
    "見守り", "食堂", "体験", "交流", "拠点", "イベント", "送迎",
)
