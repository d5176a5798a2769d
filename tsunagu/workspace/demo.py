"""A year of 体制整備 for the demo municipality, shaped like the seed: roadmap, the four-session series with
responses, 業務棚卸表 with time use, the 会議・研修一覧, the grand design and three months of trial observations."""

from datetime import date, time, timedelta
from typing import Any

from tsunagu.agencies.models import JobRole
from tsunagu.core.demo import DemoContext
from tsunagu.core.fakenames import GIVEN_FEMALE, SURNAMES
from tsunagu.core.fiscal import fiscal_year, fiscal_year_label

from . import queries, services, text
from .excel import ParsedRow, ParsedSheet
from .models import (
    DesignItem,
    GrandDesign,
    MeetingInventory,
    RoadmapActivity,
    TaskInterview,
    TimeUse,
    TrialObservation,
    WorksheetResponse,
    Workshop,
    WorkshopInvitation,
)

# Phrases in the voice of the seed's 感想・意見交換会 and worksheets; combined at random per response.
PHRASES = {
    "impression": ["部署異動したら情報がなくなると感じた", "横のつながりがもっと必要だと思った", "1人の方の支援を町全体でどうコーディネートするかを考えた",
                   "他分野の取り組みを知ることができてよかった", "地域共生社会の考え方がよくわかった", "顔の見える関係づくりが大事だと感じた"],
    "want_to_do": ["他機関とのケース会議を気軽に開きたい", "地域の社会資源の情報共有をしたい", "アウトリーチで早期に気付ける仕組みをつくりたい",
                   "地域住民との交流の場に出かけたい", "タイムリーな情報共有の方法を考えたい"],
    "challenge": ["情報共有のルールが機関ごとに違う", "ひきこもりの方の支援でどこにつなぐか困る", "自分からSOSを出せない方のニーズ把握が難しい",
                  "記録業務と事務作業に時間を取られる", "地域のサービスがどこにあるかわかりにくい", "活動を継続していける仕組みがない"],
    "idea": ["社会資源の情報を一覧にして発信する", "分野横断の勉強会を開く", "定例の情報共有会議を開く", "地域食堂やサロンと相談窓口をつなぐ"],
    "success_case": ["8050の世帯で包括と障害の相談支援が同行訪問できた", "ごみ屋敷のケースで社協と包括が連携できた", "生活困窮の相談から就労体験につながった"],
    "difficult_case": ["ひきこもりの息子への支援につながらなかった", "ネグレクトが疑われる世帯で役割分担が難しかった", "医療につながっていない方の支援が進まなかった"],
    "success_factor": ["タイムリーに情報共有することができた", "関係機関の役割を相互に確かめ支援体制を整えた", "ケース会議の都度開催で知恵を出し合えた",
                       "関係機関との連絡を集約する役割の人が決まっていた", "多くの支援者が関わることで視座が広がった"],
    "wanted_agency": ["教育委員会", "医療機関", "子ども家庭センター", "ハローワーク", "社会福祉協議会"],
    "wanted_resource": ["通院の送迎ボランティア", "気軽に行ける居場所", "見守り隊", "ペットの一時預かり", "就労体験の場"],
    "target": ["地域ケア会議と自立支援協議会", "包括と障害の連絡会議", "事例検討会"],
    "method": ["共催にする", "同日同会場で時間をずらして開催する", "一つの会議に統合する"],
    "effect": ["準備にかかる事務の省力化", "会議内容の充実", "ネットワーク形成支援"],
    "low_need": ["紙の月次報告の転記", "同じ内容の複数の報告書作成", "電話での日程調整"],
    "improve": ["記録の二重入力", "会議の日程調整", "訪問スケジュールの管理"],
    "improve_idea": ["オンライン会議の活用", "共有カレンダーで日程調整", "記録のICT化"],
    "projects": ["地域食堂", "歌声サロン", "体操教室", "学習支援", "就労体験"],
    "cross_idea": ["見守り事業を障害のある方にも広げる", "子どもの学習支援に高齢者ボランティアが参加する", "企業の試乗車で通院送迎"],
}

HOUKATSU_TASKS = [
    ("地域包括支援センター運営協議体", ["協議体開催に関する打ち合わせ", "協議体開催準備", "協議体当日運営", "協議体開催事後処理"]),
    ("事業計画と評価", ["事業計画の作成", "事業計画進捗状況の確認", "評価事業"]),
    ("介護支援係との連携", ["定例会議", "虐待ケース対応", "権利擁護事業連携", "その他個別ケースに関する情報共有", "地域ケア会議の準備及び地域課題の共有"]),
    ("総合相談", ["電話、窓口、メール等による相談対応", "各ケースの課題整理及び地域課題の蓄積", "各ケースの記録、記録の保存、月次報告"]),
    ("介護予防ケアマネジメント", ["介護予防プランの作成", "訪問スケジュールの調整とアポイントメント", "プランの再委託先との連絡", "給付管理"]),
]
HOUKATSU_ROLES = ["管理者", "社福", "主マネ", "保健師", "プランナー(専属)", "プランナー 事務兼務", "コーディネーター", "事務員"]


def generate(ctx: DemoContext) -> None:
    rng = ctx.rng_for("workspace")
    agencies = ctx.data["agencies"]
    year = fiscal_year(ctx.today)
    templates = {t.builtin_key: t for t in services.worksheet_templates_ensure_builtins()}
    workshops = _workshops(ctx, rng, year, agencies, templates)
    inventory = _inventories(rng, year, agencies)
    _meeting_inventory(rng, year, agencies)
    _roadmap(year, workshops, inventory)
    _design(year, agencies)
    _trial(rng, year)
    queries.network_changed()  # the referrals and meetings the network counts were loaded in bulk, without signals
    ctx.say(f"体制整備: 研修 {len(workshops)}、回答 {WorksheetResponse.objects.count()}、会議・研修一覧 {MeetingInventory.objects.count()}")


def _pick(rng, key: str, k: int = 2) -> str:
    return "。".join(rng.sample(PHRASES[key], min(k, len(PHRASES[key])))) + "。"


def _workshops(ctx, rng, year, agencies, templates) -> list[Workshop]:
    series = [
        (1, "地域共生社会実現のための人材育成研修 第1回", "seminar", date(year, 6, 19), ["workshop_sheet"]),
        (2, "ケースで考える重層的相談支援＆社会資源", "workshop", date(year, 8, 21), ["case_sheet"]),
        (3, "会議・研修の業務効率化を考える", "workshop", date(year, 9, 16), ["meeting_list", "meeting_groupwork"]),
        (4, "事務・事業の効率化を考える", "workshop", date(year, 10, 9), ["efficiency_sheet"]),
    ]
    made = []
    for no, title, kind, held_on, keys in series:
        w = Workshop.objects.create(
            fiscal_year=year, series_no=no, title=title, kind=kind, held_on=held_on, starts_at=time(13, 30), ends_at=time(15, 30),
            method="hybrid" if no == 1 else "venue", place=f"{ctx.data['municipality'].name}文化会館 第2・3会議室",
            aims="包括的支援体制整備の意義を現場職員一人ひとりが理解し、分野を超えたネットワークをつくる。", attendance=rng.randint(22, 31),
        )
        w.templates.set([templates[k] for k in keys])
        WorkshopInvitation.objects.bulk_create(
            WorkshopInvitation(workshop=w, agency=a, reply="attending", attendees=rng.randint(1, 3)) for a in agencies.values()
        )
        services.workshop_program_set(workshop=w, items=[
            {"starts_at": time(13, 30), "minutes": 5, "title": "開催あいさつ", "detail": ""},
            {"starts_at": time(13, 35), "minutes": 25, "title": "政策説明", "detail": "地域共生社会の目指すところ"},
            {"starts_at": time(14, 0), "minutes": 30, "title": "事例紹介・対談", "detail": ""},
            {"starts_at": time(14, 35), "minutes": 55, "title": "ワークショップ", "detail": "グループワーク"},
        ])
        for key in keys:
            _responses(rng, w, templates[key], count=rng.randint(14, 22) if key != "meeting_list" else 6)
        made.append(w)
    return made


def _responses(rng, workshop, template, count: int) -> None:
    rows = []
    for _ in range(count):
        answers: dict[str, Any] = {}
        for q in template.questions:
            if q.get("kind") == "rows":
                answers[q["key"]] = [dict(zip(q["columns"], ["会議", "連絡調整会議", "包括と自治体との情報共有", "包括職員", "月1回", "市独自", "重要"], strict=False))]
            elif rng.random() < 0.9:
                answers[q["key"]] = _pick(rng, q["key"], k=rng.randint(1, 2))
        surname, _ = rng.choice(SURNAMES)
        given, _ = rng.choice(GIVEN_FEMALE)
        rows.append(WorksheetResponse(
            workshop=workshop, template=template, answers=answers, channel="link",
            terms={k: text.terms_of(v) for k, v in answers.items() if isinstance(v, str)},
            respondent_name=f"{surname} {given}" if rng.random() < 0.5 else "", respondent_affiliation="",
        ))
    WorksheetResponse.objects.bulk_create(rows)


def _inventories(rng, year, agencies):
    houkatsu = agencies["houkatsu"]
    current = None
    for fy in (year - 1, year):
        rows = []
        for ci, (category, tasks) in enumerate(HOUKATSU_TASKS, start=1):
            for ti, task in enumerate(tasks, start=1):
                rows.append(ParsedRow(ci, category, ti, task, _marks(rng, task, fy < year)))
        current = services.task_inventory_import(agency=houkatsu, fiscal_year=fy, parsed=ParsedSheet(headings=HOUKATSU_ROLES, rows=rows))
    _time_use(rng, current, ["主任介護支援専門員", "社会福祉士", "保健師", "プランナー(専属)", "事務員"])
    TaskInterview.objects.create(
        inventory=current, job_role=JobRole.objects.get(name="主任介護支援専門員"), issue="介護予防プランに関わる業務が多い",
        detail="訪問頻度の管理を自身で行っている。毎月、更新月か、訪問月か、ケアプランの期限が切れる家かをチェックして訪問先を決めている。",
        proposal="事務員またはプランナーにスケジュールとアポイントメント（電話で訪問日時調整）を担当してもらう",
        point="みんな専門職だが、専門職がやらなくていい業務をやっている。スケジューリングも主任ケアマネがやらなくていい業務。",
    )
    shougai = agencies["shougai"]
    rows = [ParsedRow(1, "障害者相談支援事業（委託相談）", i, t, {0: "◎", 1: "◎" if i != 4 else "×", 2: "○" if i == 1 else ""})
            for i, t in enumerate(["福祉サービスの利用援助（情報提供、相談等）", "社会資源を活用するための支援", "社会生活力を高めるための支援",
                                   "ピアカウンセリング", "権利擁護のための必要な援助"], start=1)]
    for r in rows:
        r.marks = {k: v for k, v in r.marks.items() if v}
    inv = services.task_inventory_import(agency=shougai, fiscal_year=year, parsed=ParsedSheet(
        headings=["管理者（兼相談支援専門員）", "相談支援専門員", "事務員"], caseloads=[35, 60, None], shares=["40%", "90%", ""], rows=rows))
    _time_use(rng, inv, ["相談支援専門員", "相談支援専門員"])
    return current


def _marks(rng, task: str, last_year: bool) -> dict[int, str]:
    marks = {0: "◎" if "協議体" in task or "計画" in task else "○"}
    for col in range(1, 7):
        marks[col] = rng.choice(["◎", "◎", "○", "×", ""] if not last_year else ["◎", "○", "×", "×", ""])
    if "スケジュール" in task or "給付管理" in task:
        marks[2], marks[7] = "○", ""  # the seed's 主任ケアマネ doing the visit scheduling herself
    else:
        marks[7] = rng.choice(["○", "", ""])
    return {k: v for k, v in marks.items() if v}


def _time_use(rng, inventory, roles: list[str]) -> None:
    for i, role in enumerate(roles):
        hours = {"面談": rng.choice([3, 3.5, 4]), "記録": rng.choice([1, 1.5, 2]), "移動": rng.choice([0.5, 1]),
                 "会議・調整": rng.choice([0.5, 1, 1.5]), "事務": rng.choice([0.5, 1, 1.5]), "地域活動": rng.choice([0, 0.5])}
        TimeUse.objects.create(inventory=inventory, job_role=JobRole.objects.get(name=role), label=f"{role}{chr(65 + i)}", hours=hours)


MEETINGS = [
    ("meeting", "地域ケア会議", "個別ケースの検討と地域課題の共有", "包括・居宅ケアマネ・医療", 12, "statutory", "houkatsu", ["welfare", "caremane", "health", "shakyo"]),
    ("meeting", "連絡調整会議", "包括と自治体との情報共有", "介護支援課・包括職員", 12, "municipal", "welfare", ["houkatsu", "care_office", "shakyo", "caremane"]),
    ("meeting", "障がい福祉連絡会", "障害分野の関係機関との情報共有と連携", "相談支援事業所・行政", 12, "municipal", "care_office", ["welfare", "houkatsu", "shakyo", "caremane", "shougai"]),
    ("meeting", "自立支援協議会 相談支援部会", "地域の障害福祉の課題の協議", "相談支援専門員", 6, "statutory", "shougai", ["care_office", "welfare", "hub"]),
    ("meeting", "要保護児童対策地域協議会 実務者会議", "要保護児童等の支援内容の協議", "子ども関係機関", 12, "statutory", "child_support", ["welfare", "health", "hub_kosodate1"]),
    ("meeting", "とうべつ会議（定例の情報共有会議）", "世帯支援の視点を要するケースの共有と会議・研修情報の共有", "委託相談機関", 12, "voluntary", "welfare", ["houkatsu", "shougai", "konkyu"]),
    ("meeting", "生活困窮者支援調整会議", "支援プランの協議と関係機関の役割分担", "困窮支援関係機関", 12, "statutory", "konkyu", ["welfare", "shakyo", "hub"]),
    ("meeting", "生活支援体制整備 協議体", "地域の支え合いの仕組みづくり", "住民・関係機関", 4, "statutory", "shakyo", ["houkatsu", "volunteer", "welfare"]),
    ("meeting", "子育て支援ネットワーク会議", "子育て支援の情報共有と連携", "子育て支援関係者", 4, "municipal", "child_support", ["hub_kosodate1", "hub_kosodate2", "health", "hattatsu"]),
    ("meeting", "認知症初期集中支援チーム員会議", "認知症の方への初期支援の検討", "包括・医療", 12, "statutory", "houkatsu", ["health", "care_office"]),
    ("meeting", "虐待防止ネットワーク会議", "高齢者・障害者虐待の防止と対応の協議", "関係機関", 2, "statutory", "care_office", ["houkatsu", "shougai", "welfare"]),
    ("meeting", "地域福祉拠点 運営会議", "拠点の運営と地域活動の調整", "拠点・社協", 12, "voluntary", "hub", ["shakyo", "shougai", "volunteer"]),
    ("training", "事例検討会", "多角的視点による支援の質向上", "相談支援関係者", 12, "voluntary", "houkatsu", ["shougai", "konkyu", "welfare", "caremane"]),
    ("training", "ケアマネジャー研修", "居宅ケアマネの資質向上と法令順守", "居宅ケアマネ", 4, "municipal", "houkatsu", ["caremane", "care_office"]),
    ("training", "相談支援従事者 現任研修", "相談支援の質の向上と事例の検討", "相談支援専門員", 4, "voluntary", "shougai", ["care_office", "houkatsu", "caremane"]),
    ("training", "ボランティア養成講座", "地域の担い手づくり", "住民", 2, "voluntary", "volunteer", ["shakyo", "hub"]),
    ("training", "ゲートキーパー研修", "自殺の兆候に気付きつなぐ力の向上", "関係機関職員・住民", 2, "municipal", "health", ["welfare", "houkatsu", "shougai", "konkyu"]),
    ("training", "子育て支援者研修", "子育て支援者の資質向上", "子育て支援者", 3, "municipal", "child_support", ["hub_kosodate1", "hub_kosodate2", "hattatsu"]),
    ("meeting", "民生委員児童委員 定例会", "地域の見守り情報の共有", "民生委員・関係機関", 12, "statutory", "shakyo", ["welfare", "houkatsu"]),
    ("meeting", "健康づくり推進協議会", "健康づくり施策の協議", "関係団体", 2, "municipal", "health", ["shokukai", "npo_sports", "shakyo"]),
]


def _meeting_inventory(rng, year, agencies) -> None:
    fallback = agencies["welfare"]
    for form, name, purpose, audience, times, basis, host, attending in MEETINGS:
        host_agency = agencies.get(host, fallback)
        entry = MeetingInventory.objects.create(
            fiscal_year=year, reported_by=host_agency, form=form, name=name, purpose=purpose, audience=audience,
            times_per_year=times, basis=basis, host=host_agency, minutes=rng.choice([60, 90, 120]),
            attendees=rng.randint(6, 20), importance=rng.choice(["重要", "重要だが伝える情報の優先順位付けが難しい", "多職種連携を推進しており重要", ""]),
        )
        entry.attending.set({agencies[k] for k in attending if k in agencies} - {host_agency})


def _roadmap(year, workshops, inventory) -> None:
    rows = [
        (1, "体制整備の意義についての共通理解づくり（セミナー）", 5, 6, "6/19セミナー実施", "done", workshops[0], None),
        (2, "業務棚卸表の作成・業務状況の把握（地域包括支援センター）", 6, 8, "", "done", None, inventory),
        (2, "スーパーバイザーによる職員個別メンタリング", 9, 10, "", "done", None, None),
        (2, "行動計画・次年度事業計画の策定", 11, 12, "", "in_progress", None, None),
        (2, "定例の情報共有会議の試行開催（月1回）", 12, 3, "", "planned", None, None),
        (2, "ワークショップ（第2回〜第4回）", 8, 10, "", "done", workshops[1], None),
        (3, "グランドデザインのタタキ案の作成", 2, 3, "", "planned", None, None),
        (4, "共生型拠点での一体的実施の試行検証", 8, 12, "2週間おきのヒアリング", "in_progress", None, None),
    ]
    for i, (step, title, start, end, milestone, status, workshop, inv) in enumerate(rows):
        RoadmapActivity.objects.create(fiscal_year=year, step=step, title=title, start_month=start, end_month=end, milestone=milestone,
                                       status=status, owner="福祉課", workshop=workshop, task_inventory=inv, order=i)


def _design(year, agencies) -> None:
    plan = GrandDesign.objects.create(fiscal_year=year, title=f"{fiscal_year_label(year)} 体制整備のグランドデザイン",
                                      vision="専門職による伴走型支援と、地域住民同士の支え合い・ゆるやかな見守りを重ねた重層的な体制をつくる。")
    items = [
        ("consultation_system", "属性や世代を問わず包括的に相談を受け止めるための意識共有・連携体制構築", "研修会の実施", "welfare"),
        ("consultation_system", "各相談支援機関間の情報共有・学び合いの仕組み", "定例の情報共有会議", "houkatsu"),
        ("support_flow", "アウトリーチにつながる定期的な情報共有の場の位置づけ整理", "既存会議体の整理、会議目的や内容等の協議", "welfare"),
        ("support_flow", "連携して支援方針を決定し実施するにあたっての課題の分析と解決", "支援会議の運用", "welfare"),
        ("community", "現状の地域資源の整理・把握・情報発信", "社会資源の一覧の公開", "shakyo"),
        ("community", "分野を超えた協働可能性の検討", "互いの活動を知るワークショップ", "hub"),
    ]
    for i, (section, title, means, owner) in enumerate(items):
        DesignItem.objects.create(design=plan, section=section, title=title, means=means, owner=agencies.get(owner),
                                  review_on=date(year + 1, 3, 15), order=i)


OBSERVATIONS = [
    ("今まで行った相談機関では深刻にとらえられてガチガチしていたが、拠点では『ゆっくりでもいいんだ』と思えると話した", "本人の安心感が支援の入口になると実感した", ["a"]),
    ("高齢者と障害者の同居家族について、居宅と障害の相談員がその日のうちに情報共有できた", "スピーディーな連携で世帯全体を見られた", ["b"]),
    ("高齢障害者への介護保険制度の説明を、二つの事業所の相談員が一緒に行った", "制度の狭間での不安が減った", ["b"]),
    ("地域住民がお茶を飲みに来たついでに家族のことを相談した", "相談支援が住民に身近になった", ["c"]),
    ("学習支援の担当職員からケース会議の進め方について相談があり助言した", "専門的視点を他事業で活かせた", ["d"]),
    ("ボランティアが支援に悩み、相談員が担当職員を交えて協議の場をつくった", "支援者間の共通認識ができた", ["d", "c"]),
    ("電話対応の後に、別の相談員が声を掛けてくれた", "互いのストレスケアになっている", ["e"]),
    ("他分野の相談員の対応を間近で見て、世帯へのアプローチの方法が変わった", "知識と実践が身近になった", ["e", "b"]),
]


def _trial(rng, year) -> None:
    codes = {c.label: c for c in services.trial_codes_ensure_defaults()}
    day = date(year, 8, 4)
    heard = ["障害者総合相談支援センター管理者（相談支援専門員）", "居宅介護支援事業所管理者（主任介護支援専門員）"]
    n = 0
    while day < date(year, 11, 1):
        for who in heard:
            event, effect, labels = OBSERVATIONS[n % len(OBSERVATIONS)]
            o = TrialObservation.objects.create(observed_on=day, site="共生型地域オープンサロン", heard=who, event=event, effect=effect)
            o.codes.set([codes[label] for label in labels])
            n += 1
        day += timedelta(days=14)
