"""Demo directory: every agency as a consultation window, plus formal services and informal activities per district.

Town ~150 entries, city ~3,000 (the benchmark dataset). Fictional throughout; bulk inserts keep the city fast.
"""

from datetime import timedelta

from tsunagu.core.demo import DemoContext
from tsunagu.core.fakenames import CITY_DISTRICTS, SURNAMES, TOWN_DISTRICTS

from . import search
from .models import (
    Address,
    Location,
    NeedStatus,
    Offer,
    OffererKind,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceAtLocation,
    UnmetNeed,
    list_to_tokens,
)
from .services import directory_changed

# (name pattern, description, fields, targets, informal, free, capacity, keywords, days, hours)
KINDS = [
    ("{d}見守り隊", "地域の住民が高齢の一人暮らしの方を訪ね、声かけと安否確認をします。", ["elderly", "community"], ["elderly"], True, True, None, "見守り 安否確認 声かけ", "MO,TH", ("10:00", "12:00")),
    ("{d}ふれあい食堂", "子どもから高齢の方まで、誰でも安く食事ができる地域食堂です。", ["community", "children", "poverty"], ["anyone", "children"], True, False, 40, "食堂 子ども食堂 食事", "WE", ("17:00", "19:30")),
    ("{d}歌声サロン", "懐かしい歌をみんなで歌う集いの場。お茶を飲みながらおしゃべりも。", ["community", "elderly"], ["anyone"], True, True, 25, "サロン 居場所 歌", "TU", ("13:30", "15:00")),
    ("{d}いきいき体操教室", "椅子に座ってできる介護予防の体操教室です。", ["elderly", "health"], ["elderly"], True, True, 30, "体操 運動 介護予防", "FR", ("10:00", "11:00")),
    ("{d}ペット一時預かりボランティア", "入院や通院のあいだ、犬や猫を一時的に預かります。", ["community"], ["anyone"], True, True, 3, "ペット 犬 猫 入院", "", None),
    ("{d}通院送迎ボランティア", "地元の販売店の試乗車を使い、病院への通院を送迎します。", ["elderly", "health", "disability"], ["elderly", "disability"], True, True, 4, "送迎 通院 移動支援", "MO,WE,FR", ("08:30", "16:00")),
    ("{d}ゆるやか居場所カフェ", "学校や仕事に行きづらい若者が、ふらっと立ち寄れる居場所です。", ["community", "employment", "health"], ["youth"], True, True, 12, "居場所 ひきこもり 不登校 若者", "SA", ("13:00", "17:00")),
    ("{d}学習支援教室", "小中学生の宿題や勉強を大学生ボランティアが手伝います。", ["children", "education", "poverty"], ["children"], True, True, 15, "学習支援 勉強 宿題", "TU,TH", ("16:00", "18:00")),
    ("{d}買い物支援便", "移動販売車が地区を回ります。重い物の持ち帰りも手伝います。", ["elderly", "community"], ["elderly"], True, False, None, "買い物 移動販売 送迎", "TH", ("10:00", "11:30")),
    ("{d}子育てひろば", "未就学の子どもと保護者が自由に遊べるひろば。保育士に相談もできます。", ["children"], ["parents", "children"], False, True, 20, "子育て 育児 ひろば", "MO,TU,WE,TH,FR", ("09:30", "15:00")),
    ("デイサービス{d}", "日帰りで入浴・食事・機能訓練を行う通所介護です（要介護認定が必要）。", ["elderly"], ["elderly"], False, False, 25, "通所介護 デイ 入浴", "MO,TU,WE,TH,FR,SA", ("09:00", "16:30")),
    ("就労継続支援B型 {d}工房", "自分のペースで働く場。軽作業・農作業・カフェ運営など。", ["disability", "employment"], ["disability"], False, False, 20, "就労 作業所 仕事", "MO,TU,WE,TH,FR", ("09:30", "15:30")),
    ("{d}家族介護者のつどい", "介護をしている家族どうしで話し、情報を交換する会です。", ["elderly", "community"], ["carers"], True, True, 15, "介護者 家族 つどい", "WE", ("13:30", "15:00")),
    ("{d}フードパントリー", "食べるものに困っている世帯に食料品を無料でお渡しします。", ["poverty"], ["poverty", "parents"], True, True, None, "食料 フードバンク 食べるものがない", "SA", ("10:00", "12:00")),
    ("{d}就労体験（農園）", "地域の農園で、短い時間から働く体験ができます。", ["employment", "community"], ["youth", "disability", "poverty"], True, True, 5, "就労体験 仕事 農作業", "TU,FR", ("09:00", "12:00")),
]
OFFERS = [
    ("平日の午後、公民館の和室を貸せます", OffererKind.GROUP, "{d}町内会", ["community"], "平日 13時〜17時"),
    ("試乗車で通院の送迎ができます", OffererKind.BUSINESS, "{d}モータース", ["elderly", "health"], "月・水 午前"),
    ("犬の散歩や一時預かりを手伝えます", OffererKind.RESIDENT, "動物好きの{s}さん", ["community"], "土日"),
    ("子どもに勉強を教えられます", OffererKind.RESIDENT, "元教員の{s}さん", ["children", "education"], "火・木 夕方"),
    ("余った野菜を提供できます", OffererKind.BUSINESS, "{d}青果店", ["poverty"], "毎週金曜"),
]
NEEDS = [
    ("平日夜に通える若者の居場所がない", ["community", "employment"], ["youth"]),
    ("冬のあいだ通院の足がない", ["elderly", "health"], ["elderly"]),
    ("入院中にペットを預けられる先がない", ["community"], ["anyone"]),
    ("中学生の学習支援の場が足りない", ["children", "education"], ["children"]),
    ("ひとり親家庭の食料が月末に不足する", ["poverty", "children"], ["parents"]),
]
PER_DISTRICT = {"town": 1, "city": 8, "metro": 8}  # copies of KINDS per district: town 10×15 = 150, city 24×15×8 = 2,880


def generate(ctx: DemoContext) -> None:
    rng = ctx.rng_for("resources")
    districts = CITY_DISTRICTS if ctx.is_city else TOWN_DISTRICTS
    agencies = ctx.data.get("agencies", {})
    municipality = ctx.data.get("municipality")
    rows = _window_rows(agencies) + _activity_rows(ctx, rng, districts)
    _insert(ctx, rng, rows, municipality, agencies)
    _offers_and_needs(ctx, rng, districts, agencies)
    ctx.say(f"社会資源 {len(rows)}")


def _window_rows(agencies: dict) -> list[dict]:
    return [{"name": agency.name, "org": agency.name, "description": f"{agency.name}の相談窓口です。どんなことでもまずご相談ください。",
             "fields": agency.fields, "targets": ["anyone"], "informal": False, "free": True, "capacity": None,
             "keywords": "相談 窓口", "days": "MO,TU,WE,TH,FR", "hours": ("08:45", "17:30"), "window": True,
             "district": "", "phone": agency.phone, "address": agency.address, "maintainer": agency}
            for agency in agencies.values()]


def _activity_rows(ctx, rng, districts) -> list[dict]:
    rows = []
    for copy in range(PER_DISTRICT[ctx.profile]):
        for district in districts:
            for name, description, fields, targets, informal, free, capacity, keywords, days, hours in KINDS:
                label = district if copy == 0 else f"{district}{copy + 1}丁目"
                rows.append({"name": name.format(d=label), "org": f"{district}{'地区社協' if informal else '福祉会'}",
                             "description": description, "fields": fields, "targets": targets, "informal": informal,
                             "free": free, "capacity": capacity, "keywords": keywords, "days": days, "hours": hours,
                             "window": False, "district": district, "phone": f"0{rng.randint(100, 199)}-{rng.randint(20, 79)}-{rng.randint(1000, 9999)}",
                             "address": f"{district}{rng.randint(1, 9)}丁目{rng.randint(1, 20)}番地", "maintainer": None})
    return rows


def _insert(ctx, rng, rows, municipality, agencies) -> None:
    shakyo = agencies.get("shakyo")
    organizations: dict[str, Organization] = {}
    for row in rows:
        organizations.setdefault(row["org"], Organization(name=row["org"], description=row["org"]))
    Organization.objects.bulk_create(organizations.values(), batch_size=1000)
    services, locations, addresses, links, phones, schedules = [], [], [], [], [], []
    for row in rows:
        service = _service(ctx, rng, row, organizations[row["org"]], row["maintainer"] or shakyo)
        location = Location(location_type="physical", name=row["name"] if row["window"] else f"{row['district']}会館",
                            organization=service.organization)
        service.search_text = search.search_text_for(service, organization_name=row["org"],
                                                     extra=[location.name, row["address"]])
        service.search_name = search.normalize(service.name)
        service.search_chars = search.chars(service.search_text)
        services.append(service)
        locations.append(location)
        addresses.append(Address(location=location, address_1=row["address"], city=municipality.name if municipality else "",
                                 state_province="架空県", postal_code=f"0{rng.randint(60, 69)}-{rng.randint(1000, 9999)}", country="JP", address_type="physical"))
        links.append(ServiceAtLocation(service=service, location=location))
        if row["phone"]:
            phones.append(Phone(service=service, number=row["phone"], type="voice"))
        if row["days"] or row["hours"]:
            opens, closes = row["hours"] or ("", "")
            schedules.append(Schedule(service=service, freq="WEEKLY" if row["days"] else "", byday=row["days"],
                                      opens_at=opens, closes_at=closes, wkst="MO"))
    Service.objects.bulk_create(services, batch_size=1000)
    Location.objects.bulk_create(locations, batch_size=1000)
    Address.objects.bulk_create(addresses, batch_size=1000)
    ServiceAtLocation.objects.bulk_create(links, batch_size=1000)
    Phone.objects.bulk_create(phones, batch_size=1000)
    Schedule.objects.bulk_create(schedules, batch_size=1000)
    directory_changed()  # bulk_create sends no signal: the public pages' cache key changes here


def _service(ctx, rng, row, organization, maintainer) -> Service:
    capacity = row["capacity"]
    stale = rng.random() < 0.1
    verified = ctx.today - timedelta(days=rng.randint(400, 900) if stale else rng.randint(0, 330))
    public = row["window"] or rng.random() < 0.8
    return Service(
        name=row["name"], organization=organization, description=row["description"], status="active",
        fields=list_to_tokens(row["fields"]), targets=list_to_tokens(row["targets"]),
        kind="informal" if row["informal"] else "formal", visibility="public" if public else "staff",
        is_consultation_window=row["window"], district=row["district"], free=row["free"], keywords=row["keywords"],
        capacity=capacity, vacancy=rng.randint(0, capacity) if capacity else None,
        vacancy_updated_on=ctx.today - timedelta(days=rng.randint(0, 30)) if capacity else None,
        verified_on=verified, maintainer=maintainer, fees_description="" if row["free"] else "1回 300円",
        last_modified=f"{verified.isoformat()}T09:00:00+09:00",
    )


def _offers_and_needs(ctx, rng, districts, agencies) -> None:
    recorder = agencies.get("shakyo") or next(iter(agencies.values()), None)
    if recorder is None:
        return
    scale = 8 if ctx.is_city else 2
    offers, needs = [], []
    for _ in range(scale * len(OFFERS)):
        title, kind, offerer, fields, availability = rng.choice(OFFERS)
        district = rng.choice(districts)
        offers.append(Offer(title=title, offerer_kind=kind, offerer_name=offerer.format(d=district, s=rng.choice(SURNAMES)[0]),
                            availability=availability, fields=list_to_tokens(fields), district=district,
                            recorded_by=recorder))
    for _ in range(scale * 3 * len(NEEDS)):
        description, fields, targets = rng.choice(NEEDS)
        needs.append(UnmetNeed(description=description, fields=list_to_tokens(fields), targets=list_to_tokens(targets),
                               district=rng.choice(districts), people_count=rng.randint(1, 6),
                               status=NeedStatus.MET if rng.random() < 0.2 else NeedStatus.OPEN,
                               recorded_by=rng.choice(list(agencies.values()))))
    Offer.objects.bulk_create(offers)
    UnmetNeed.objects.bulk_create(needs)
