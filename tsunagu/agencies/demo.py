"""Demo agencies, job roles and staff for the town, city and metro profiles (fictional names throughout).

The metro (政令市) is the city with more of each kind of local agency: 60 agencies, ~1,500 staff."""

import random

from django.contrib.auth.hashers import make_password
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tsunagu.core.demo import DEMO_PASSWORD, DemoContext
from tsunagu.core.fakenames import GIVEN_FEMALE, GIVEN_MALE, SURNAMES

from .models import Agency, AgencyKind, Field, JobRole, Membership, Municipality, Operation, Role, Staff

K, Op, F = AgencyKind, Operation, Field

JOB_ROLES = [
    ("管理者", True), ("社会福祉士", True), ("主任介護支援専門員", True), ("保健師", True), ("相談支援専門員", True),
    ("精神保健福祉士", True), ("プランナー(専属)", True), ("プランナー(事務兼務)", True),
    ("生活支援コーディネーター", True), ("CSW", True), ("就労支援員", True), ("保育士", True),
    ("行政職員", False), ("事務員", False),
]

# Demo TOTP key for the demo admin (hex). Printed with backup codes by `tsunagu demo-logins`.
DEMO_ADMIN_TOTP_KEY = "3132333435363738393031323334353637383930"
DEMO_BACKUP_CODES = ["tsunagu01", "tsunagu02", "tsunagu03", "tsunagu04", "tsunagu05"]

# (key, name, kana, kind, operation, fields)
AgencySpec = tuple[str, str, str, AgencyKind, Operation, list[Field]]
TOWN_AGENCIES: list[AgencySpec] = [
    ("welfare", "さくら野町役場 福祉課 福祉係", "さくらのちょうやくば ふくしか", K.MUNICIPAL_OFFICE, Op.DIRECT, [F.COMMUNITY, F.POVERTY]),
    ("health", "さくら野町役場 福祉課 健康推進係", "さくらのちょうやくば けんこう", K.MUNICIPAL_OFFICE, Op.DIRECT, [F.HEALTH]),
    ("care_office", "さくら野町役場 介護課 障がい支援係", "さくらのちょうやくば かいごか", K.MUNICIPAL_OFFICE, Op.DIRECT, [F.DISABILITY, F.ELDERLY]),
    ("child_support", "さくら野町 子ども未来課 子育てサポート係", "さくらのちょう こどもみらいか", K.CHILD_FAMILY_CENTER, Op.DIRECT, [F.CHILDREN, F.HEALTH]),
    ("houkatsu", "さくら野町地域包括支援センター", "さくらのちょうちいきほうかつ", K.COMMUNITY_GENERAL_SUPPORT, Op.CONTRACTED, [F.ELDERLY, F.ADVOCACY]),
    ("shougai", "さくら野町障がい者総合相談支援センター", "さくらのちょうしょうがいしゃ", K.DISABILITY_CONSULTATION, Op.CONTRACTED, [F.DISABILITY]),
    ("konkyu", "生活就労サポートセンターみなみ野", "せいかつしゅうろうさぽーと", K.SELF_RELIANCE, Op.CONTRACTED, [F.POVERTY, F.EMPLOYMENT, F.HOUSING]),
    ("hub_kosodate1", "さくら野町地域子育て支援拠点 ひよこ", "さくらのちょうこそだて ひよこ", K.CHILDCARE_HUB, Op.DIRECT, [F.CHILDREN]),
    ("hub_kosodate2", "さくら野町地域子育て支援拠点 どんぐり", "さくらのちょうこそだて どんぐり", K.CHILDCARE_HUB, Op.DIRECT, [F.CHILDREN]),
    ("shakyo", "さくら野町社会福祉協議会", "さくらのちょうしゃかいふくし", K.SOCIAL_WELFARE_COUNCIL, Op.CONTRACTED, [F.COMMUNITY]),
    ("hub", "共生型地域福祉拠点 ひだまりガーデン", "きょうせいがた ひだまり", K.HUB, Op.CONTRACTED, [F.COMMUNITY, F.EMPLOYMENT]),
    ("hattatsu", "さくら野町子ども発達支援センター", "さくらのちょうこどもはったつ", K.CHILD_FAMILY_CENTER, Op.DIRECT, [F.CHILDREN, F.DISABILITY]),
    ("caremane", "さくら野町ケアマネジャー連絡協議会", "さくらのちょうけあまね", K.CARE_MANAGEMENT, Op.CONTRACTED, [F.ELDERLY]),
    ("volunteer", "さくら野町ボランティアセンター", "さくらのちょうぼらんてぃあ", K.COMMUNITY_GROUP, Op.CONTRACTED, [F.COMMUNITY]),
    ("npo_sports", "NPO法人 ふれあいスポーツさくら野", "ふれあいすぽーつ", K.NPO, Op.CONTRACTED, [F.COMMUNITY, F.HEALTH]),
    ("shokukai", "さくら野町食生活改善協議会", "さくらのちょうしょくせいかつ", K.COMMUNITY_GROUP, Op.CONTRACTED, [F.HEALTH, F.COMMUNITY]),
]

CITY_DISTRICT_CENTRES = ["東部", "西部", "中央", "北部", "南部", "港", "丘の上", "北東部", "北西部", "南東部", "南西部",
                         "駅前", "川沿い", "山手", "浜町", "緑ヶ丘", "桜台", "旭ヶ丘", "若葉", "松風"]
SHOUGAI_NAMES = ["あおぞら", "こもれび", "しおさい", "ひまわり", "つばさ", "みちしるべ", "ふたば", "かけはし"]
HUB_NAMES = ["ひだまり", "すくすく", "にこにこ", "わくわく", "のびのび", "ぽかぽか", "きらきら", "もくもく"]
CAREMANE_NAMES = ["はまなす", "かもめ", "ななかまど", "すずらん", "いちい", "らいらっく", "こぶし", "やまぶき"]
# how many of each local agency: 地域包括, 障害者相談支援, 子育て支援拠点, 居宅介護支援 (city 16 + 19 = 35, metro 16 + 44 = 60)
LOCAL_AGENCIES = {"city": (7, 3, 4, 5), "metro": (20, 8, 8, 8)}


def _city_agencies(profile: str = "city") -> list[AgencySpec]:
    n_houkatsu, n_shougai, n_hubs, n_caremane = LOCAL_AGENCIES[profile]
    rows: list[AgencySpec] = [
        ("welfare", "うみかぜ市 福祉総合相談課", "うみかぜし ふくしそうごう", K.MUNICIPAL_OFFICE, Op.DIRECT, [F.COMMUNITY]),
        ("konkyu", "うみかぜ市 生活支援課 自立相談支援窓口", "うみかぜし せいかつしえん", K.SELF_RELIANCE, Op.DIRECT, [F.POVERTY, F.EMPLOYMENT, F.HOUSING]),
        ("care_office", "うみかぜ市 障害福祉課", "うみかぜし しょうがいふくし", K.MUNICIPAL_OFFICE, Op.DIRECT, [F.DISABILITY]),
        ("elderly_office", "うみかぜ市 介護福祉課", "うみかぜし かいごふくし", K.MUNICIPAL_OFFICE, Op.DIRECT, [F.ELDERLY]),
        ("health", "うみかぜ市 健康支援課", "うみかぜし けんこうしえん", K.MUNICIPAL_OFFICE, Op.DIRECT, [F.HEALTH]),
        ("child_support", "うみかぜ市こども家庭センター", "うみかぜし こどもかてい", K.CHILD_FAMILY_CENTER, Op.DIRECT, [F.CHILDREN, F.HEALTH]),
        ("riyousha1", "うみかぜ市 利用者支援 東窓口", "うみかぜし りようしゃしえん ひがし", K.CHILD_FAMILY_CENTER, Op.DIRECT, [F.CHILDREN]),
        ("riyousha2", "うみかぜ市 利用者支援 西窓口", "うみかぜし りようしゃしえん にし", K.CHILD_FAMILY_CENTER, Op.DIRECT, [F.CHILDREN]),
        ("education", "うみかぜ市教育委員会 教育支援課", "うみかぜし きょういくしえん", K.MUNICIPAL_OFFICE, Op.DIRECT, [F.EDUCATION]),
        ("shougai_core", "うみかぜ市基幹相談支援センター", "うみかぜし きかんそうだん", K.DISABILITY_CORE, Op.DIRECT, [F.DISABILITY, F.ADVOCACY]),
        ("shakyo", "うみかぜ市社会福祉協議会", "うみかぜし しゃかいふくし", K.SOCIAL_WELFARE_COUNCIL, Op.CONTRACTED, [F.COMMUNITY, F.ADVOCACY]),
        ("hub", "共生型地域拠点 みなとのにわ", "きょうせいがた みなとのにわ", K.HUB, Op.CONTRACTED, [F.COMMUNITY, F.EMPLOYMENT]),
        ("npo_hikikomori", "NPO法人 ひだまりの会（ひきこもり支援）", "ひだまりのかい", K.NPO, Op.CONTRACTED, [F.HEALTH, F.EMPLOYMENT]),
        ("npo_food", "NPO法人 うみかぜフードバンク", "うみかぜふーどばんく", K.NPO, Op.CONTRACTED, [F.POVERTY]),
        ("employment", "うみかぜ地域若者サポートステーション", "うみかぜ わかものさぽーと", K.NPO, Op.CONTRACTED, [F.EMPLOYMENT]),
        ("university", "うみかぜ福祉大学 地域連携センター", "うみかぜふくしだいがく", K.UNIVERSITY, Op.CONTRACTED, [F.COMMUNITY]),
    ]
    for i, district in enumerate(CITY_DISTRICT_CENTRES[:n_houkatsu], start=1):
        key = "houkatsu" if i == 1 else f"houkatsu{i}"
        rows.append((key, f"うみかぜ市{district}地域包括支援センター", f"うみかぜし {district} ほうかつ", K.COMMUNITY_GENERAL_SUPPORT, Op.CONTRACTED, [F.ELDERLY, F.ADVOCACY]))
    for i, name in enumerate(SHOUGAI_NAMES[:n_shougai], start=1):
        key = "shougai" if i == 1 else f"shougai{i}"
        rows.append((key, f"障害者相談支援事業所 {name}", f"しょうがいしゃそうだん {name}", K.DISABILITY_CONSULTATION, Op.CONTRACTED, [F.DISABILITY]))
    for i, name in enumerate(HUB_NAMES[:n_hubs], start=1):
        rows.append((f"hub_kosodate{i}", f"地域子育て支援拠点 {name}ひろば", f"こそだてしえん {name}", K.CHILDCARE_HUB, Op.CONTRACTED, [F.CHILDREN]))
    for i, name in enumerate(CAREMANE_NAMES[:n_caremane], start=1):
        rows.append((f"caremane{i}", f"居宅介護支援事業所 {name}", f"きょたくかいご {name}", K.CARE_MANAGEMENT, Op.CONTRACTED, [F.ELDERLY]))
    return rows


# Fixed demo logins: (login_id, name, kana, agency key, job role, role). Printed by `tsunagu demo-logins`.
DEMO_LOGINS = [
    ("admin", "管理 太郎", "かんり たろう", "welfare", "行政職員", Role.ADMIN),
    ("coordinator", "連携 みどり", "れんけい みどり", "welfare", "社会福祉士", Role.COORDINATOR),
    ("planner", "計画 はじめ", "けいかく はじめ", "welfare", "行政職員", Role.MANAGER),
    ("houkatsu", "包括 さくら", "ほうかつ さくら", "houkatsu", "社会福祉士", Role.WORKER),
    ("houkatsu_mgr", "包括 まもる", "ほうかつ まもる", "houkatsu", "主任介護支援専門員", Role.MANAGER),
    ("shougai", "障害 ひかり", "しょうがい ひかり", "shougai", "相談支援専門員", Role.WORKER),
    ("konkyu", "困窮 つよし", "こんきゅう つよし", "konkyu", "就労支援員", Role.WORKER),
    ("kosodate", "子育 ゆめ", "こそだて ゆめ", "child_support", "保健師", Role.WORKER),
    ("csw", "地域 つなぐ", "ちいき つなぐ", "shakyo", "CSW", Role.WORKER),
    # J5 部署異動: the 地域包括's worker who took over a leaving colleague's cases (followups.demo performs the handover)
    ("successor", "後任 あおい", "こうにん あおい", "houkatsu", "社会福祉士", Role.WORKER),
]
SUCCESSOR_LOGIN = "successor"

STAFF_PER_AGENCY = {"town": (2, 5), "city": (6, 14), "metro": (18, 32)}


def present() -> bool:
    """Whether the database already holds a municipality's agencies (`tsunagu demo` then refuses or skips)."""
    return Agency.objects.exists()


def generate(ctx: DemoContext) -> None:
    rng = ctx.rng_for("agencies")
    municipality = _municipality(ctx)
    roles = {name: JobRole.objects.create(name=name, is_professional=pro, order=i) for i, (name, pro) in enumerate(JOB_ROLES)}
    specs = _city_agencies(ctx.profile) if ctx.is_city else TOWN_AGENCIES
    agencies = {}
    for key, name, kana, kind, operation, fields in specs:
        agencies[key] = Agency.objects.create(
            name=name, kana=kana, kind=kind, operation=operation, fields=[str(f) for f in fields],
            address=f"{municipality.name}{rng.choice(['本町', '旭町', '栄町', '緑町'])}{rng.randint(1, 5)}丁目{rng.randint(1, 20)}番{rng.randint(1, 15)}号",
            phone=f"0{rng.randint(100, 199)}-{rng.randint(20, 79)}-{rng.randint(1000, 9999)}",
        )
    password = make_password(DEMO_PASSWORD)  # hashed once: hashing per staff member would take minutes
    staff = _demo_logins(agencies, roles, password)
    staff += _generated_staff(ctx, rng, agencies, roles, password)
    ctx.data.update(municipality=municipality, agencies=agencies, job_roles=roles, staff=staff)
    ctx.say(f"関係機関 {len(agencies)}、職員 {len(staff)}")


def _municipality(ctx: DemoContext) -> Municipality:
    if ctx.is_metro:
        return Municipality.objects.create(name="うみかぜ市", kana="うみかぜし", prefecture="架空県", population=1_700_000)
    if ctx.is_city:
        return Municipality.objects.create(name="うみかぜ市", kana="うみかぜし", prefecture="架空県", population=170_000)
    return Municipality.objects.create(name="さくら野町", kana="さくらのちょう", prefecture="架空県", population=15_000)


def _demo_logins(agencies: dict[str, Agency], roles: dict[str, JobRole], password: str) -> list[Staff]:
    created = []
    for login_id, name, kana, agency_key, job_role, role in DEMO_LOGINS:
        staff = Staff.objects.create(login_id=login_id, name=name, kana=kana, password=password)
        Membership.objects.create(staff=staff, agency=agencies[agency_key], job_role=roles[job_role], role=role)
        created.append(staff)
    admin = created[0]
    TOTPDevice.objects.create(user=admin, name="デモ用認証アプリ", key=DEMO_ADMIN_TOTP_KEY, confirmed=True)
    backup = StaticDevice.objects.create(user=admin, name="バックアップコード", confirmed=True)
    StaticToken.objects.bulk_create(StaticToken(device=backup, token=code) for code in DEMO_BACKUP_CODES)
    return created


def _generated_staff(ctx: DemoContext, rng: random.Random, agencies: dict[str, Agency], roles: dict[str, JobRole],
                     password: str) -> list[Staff]:
    low, high = STAFF_PER_AGENCY[ctx.profile]
    professional = [r for r in roles.values() if r.is_professional and r.name != "管理者"]
    new_staff, memberships = [], []
    # Login ids from the agency's place in the list, not its primary key: the same seed gives the same ids
    # whatever the database's sequences say.
    for number, agency in enumerate(agencies.values(), start=1):
        for i in range(rng.randint(low, high)):
            surname, surname_kana = rng.choice(SURNAMES)
            given, given_kana = rng.choice(GIVEN_FEMALE if rng.random() < 0.7 else GIVEN_MALE)
            login_id = f"s{number:03d}{i:02d}"
            new_staff.append(Staff(login_id=login_id, name=f"{surname} {given}", kana=f"{surname_kana} {given_kana}", password=password))
            role = Role.MANAGER if i == 0 else Role.WORKER
            job_role = roles["管理者"] if i == 0 else rng.choice(professional + [roles["事務員"]])
            memberships.append((login_id, agency, job_role, role))
    Staff.objects.bulk_create(new_staff, batch_size=500)
    by_login = {s.login_id: s for s in Staff.objects.filter(login_id__in=[s.login_id for s in new_staff])}
    Membership.objects.bulk_create(
        [Membership(staff=by_login[lid], agency=a, job_role=j, role=r, started_on=ctx.today.replace(month=4, day=1)) for lid, a, j, r in memberships],
        batch_size=500,
    )
    return list(by_login.values())
