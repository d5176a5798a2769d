"""Synthetic agency records with ground truth, for the 名寄せ benchmark.

Every resident is generated (names are drawn at random from common name parts; no real person).
The error model is this file's own: kanji variants, kana forms and reading typos, 和暦 and other date
formats, address formats, maiden names, moves, twins and same-name strangers as hard negatives.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from tsunagu.identity.normalize import wareki

TODAY = dt.date(2026, 11, 1)
MUNICIPALITY = "つなぐ市"

# (kanji, kana, relative frequency); variants are other ways agencies write the same family name.
SURNAMES = [
    ("佐藤", "サトウ", 40), ("鈴木", "スズキ", 38), ("高橋", "タカハシ", 32), ("田中", "タナカ", 30), ("伊藤", "イトウ", 25),
    ("渡辺", "ワタナベ", 25), ("山本", "ヤマモト", 24), ("中村", "ナカムラ", 23), ("小林", "コバヤシ", 22), ("加藤", "カトウ", 20),
    ("吉田", "ヨシダ", 19), ("山田", "ヤマダ", 18), ("佐々木", "ササキ", 16), ("山口", "ヤマグチ", 14), ("松本", "マツモト", 14),
    ("井上", "イノウエ", 13), ("木村", "キムラ", 13), ("林", "ハヤシ", 12), ("斎藤", "サイトウ", 12), ("清水", "シミズ", 11),
    ("山崎", "ヤマザキ", 10), ("森", "モリ", 10), ("池田", "イケダ", 9), ("橋本", "ハシモト", 9), ("阿部", "アベ", 9),
    ("石川", "イシカワ", 8), ("山下", "ヤマシタ", 8), ("中島", "ナカジマ", 8), ("石井", "イシイ", 7), ("小川", "オガワ", 7),
    ("前田", "マエダ", 7), ("岡田", "オカダ", 7), ("長谷川", "ハセガワ", 7), ("藤田", "フジタ", 6), ("後藤", "ゴトウ", 6),
    ("近藤", "コンドウ", 6), ("村上", "ムラカミ", 6), ("遠藤", "エンドウ", 5), ("青木", "アオキ", 5), ("坂本", "サカモト", 5),
    ("斉藤", "サイトウ", 5), ("福田", "フクダ", 5), ("太田", "オオタ", 5), ("西村", "ニシムラ", 5), ("藤井", "フジイ", 5),
    ("岡本", "オカモト", 4), ("松田", "マツダ", 4), ("中川", "ナカガワ", 4), ("中野", "ナカノ", 4), ("原田", "ハラダ", 4),
    ("小野", "オノ", 4), ("田村", "タムラ", 4), ("竹内", "タケウチ", 4), ("金子", "カネコ", 4), ("和田", "ワダ", 4),
    ("中山", "ナカヤマ", 4), ("石田", "イシダ", 4), ("上田", "ウエダ", 4), ("森田", "モリタ", 3), ("原", "ハラ", 3),
    ("柴田", "シバタ", 3), ("酒井", "サカイ", 3), ("工藤", "クドウ", 3), ("横山", "ヨコヤマ", 3), ("宮崎", "ミヤザキ", 3),
    ("宮本", "ミヤモト", 3), ("内田", "ウチダ", 3), ("高木", "タカギ", 3), ("安藤", "アンドウ", 3), ("島田", "シマダ", 3),
    ("谷口", "タニグチ", 2), ("大野", "オオノ", 2), ("高田", "タカダ", 2), ("丸山", "マルヤマ", 2), ("今井", "イマイ", 2),
    ("河野", "コウノ", 2), ("藤原", "フジワラ", 2), ("小島", "コジマ", 2), ("沢田", "サワダ", 2), ("浜田", "ハマダ", 2),
    ("広瀬", "ヒロセ", 2), ("辺見", "ヘンミ", 1), ("桜井", "サクライ", 2), ("野口", "ノグチ", 2), ("松井", "マツイ", 2),
]
VARIANTS = {
    "高橋": ["髙橋"], "渡辺": ["渡邉", "渡邊"], "斎藤": ["齋藤"], "山崎": ["山﨑"], "吉田": ["𠮷田"], "沢田": ["澤田"],
    "浜田": ["濱田"], "広瀬": ["廣瀬"], "辺見": ["邊見"], "宮崎": ["宮﨑"], "桜井": ["櫻井"], "島田": ["嶋田"],
}
MALE = [
    ("太郎", "タロウ"), ("一郎", "イチロウ"), ("健一", "ケンイチ"), ("誠", "マコト"), ("浩", "ヒロシ"), ("茂", "シゲル"),
    ("勇", "イサム"), ("博", "ヒロシ"), ("清", "キヨシ"), ("実", "ミノル"), ("正雄", "マサオ"), ("和夫", "カズオ"),
    ("昭", "アキラ"), ("進", "ススム"), ("修", "オサム"), ("隆", "タカシ"), ("豊", "ユタカ"), ("秀樹", "ヒデキ"),
    ("直樹", "ナオキ"), ("哲也", "テツヤ"), ("大輔", "ダイスケ"), ("健太", "ケンタ"), ("拓也", "タクヤ"), ("翔太", "ショウタ"),
    ("大樹", "ダイキ"), ("翔", "ショウ"), ("蓮", "レン"), ("悠真", "ユウマ"), ("陽翔", "ハルト"), ("湊", "ミナト"),
    ("優太", "ユウタ"), ("優斗", "ユウト"), ("大翔", "ヒロト"), ("颯太", "ソウタ"), ("樹", "イツキ"), ("亮", "リョウ"),
    ("和也", "カズヤ"), ("達也", "タツヤ"), ("雄一", "ユウイチ"), ("光男", "ミツオ"), ("義男", "ヨシオ"), ("幸雄", "ユキオ"),
    ("信夫", "ノブオ"), ("武", "タケシ"), ("剛", "ツヨシ"), ("聡", "サトシ"), ("学", "マナブ"), ("淳", "ジュン"),
    ("純一", "ジュンイチ"), ("康弘", "ヤスヒロ"), ("智也", "トモヤ"), ("俊介", "シュンスケ"), ("真司", "シンジ"), ("慎一", "シンイチ"),
    ("恭平", "キョウヘイ"), ("航", "ワタル"), ("駿", "シュン"), ("陸", "リク"), ("海斗", "カイト"), ("陽太", "ヨウタ"),
]
FEMALE = [
    ("花子", "ハナコ"), ("よし子", "ヨシコ"), ("ヨシ子", "ヨシコ"), ("和子", "カズコ"), ("幸子", "サチコ"), ("節子", "セツコ"),
    ("洋子", "ヨウコ"), ("恵子", "ケイコ"), ("京子", "キョウコ"), ("久美子", "クミコ"), ("典子", "ノリコ"), ("裕子", "ユウコ"),
    ("由美子", "ユミコ"), ("直美", "ナオミ"), ("真由美", "マユミ"), ("智子", "トモコ"), ("美香", "ミカ"), ("陽子", "ヨウコ"),
    ("明美", "アケミ"), ("恵美", "エミ"), ("愛", "アイ"), ("彩", "アヤ"), ("舞", "マイ"), ("美咲", "ミサキ"),
    ("彩花", "アヤカ"), ("結衣", "ユイ"), ("陽菜", "ヒナ"), ("葵", "アオイ"), ("凛", "リン"), ("さくら", "サクラ"),
    ("芽依", "メイ"), ("結菜", "ユイナ"), ("美結", "ミユ"), ("莉子", "リコ"), ("千尋", "チヒロ"), ("文子", "フミコ"),
    ("キヨ", "キヨ"), ("ハル", "ハル"), ("トメ", "トメ"), ("静子", "シズコ"), ("信子", "ノブコ"), ("昌子", "マサコ"),
    ("富子", "トミコ"), ("光子", "ミツコ"), ("栄子", "エイコ"), ("順子", "ジュンコ"), ("純子", "ジュンコ"), ("澄子", "スミコ"),
    ("美紀", "ミキ"), ("香織", "カオリ"), ("由紀", "ユキ"), ("麻衣", "マイ"), ("沙織", "サオリ"), ("理恵", "リエ"),
    ("奈々", "ナナ"), ("優子", "ユウコ"), ("亜希子", "アキコ"), ("紀子", "ノリコ"), ("礼子", "レイコ"), ("敦子", "アツコ"),
]
TOWNS = ["旭町", "本町", "栄町", "緑町", "幸町", "錦町", "若葉町", "桜ケ丘", "青葉台", "中央", "東町", "西町", "南町", "北町",
         "新町", "朝日町", "泉町", "宮前", "松原", "柳町", "美園", "日吉町", "春日町", "白樺町", "住吉町", "大和町", "末広町",
         "花園町", "寿町", "弥生町"]
BUILDINGS = ["コーポ", "ハイツ", "メゾン", "グランドハイツ", "サンハイム", "レジデンス"]
AGENCIES = [
    ("地域包括支援センター", "高齢・介護"), ("障害者相談支援事業所", "障害"), ("生活困窮者自立相談支援機関", "生活困窮"),
    ("こども家庭センター", "子ども・子育て"), ("保健センター", "保健・医療"), ("社会福祉協議会", "地域福祉"),
]
KANJI_DIGITS = "〇一二三四五六七八九"


@dataclass
class Resident:
    uid: int
    household: int
    family: tuple[str, str]
    given: tuple[str, str]
    sex: str
    birth: dt.date
    maiden: tuple[str, str] | None = None
    mobile: str = ""
    old_address: tuple | None = None


@dataclass
class Home:
    uid: int
    address: tuple  # (town, chome, ban, go, building or "", room or "")
    landline: str = ""
    residents: list[Resident] = field(default_factory=list)


class Population:
    """Households of residents of one fictional municipality."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.homes: list[Home] = []
        self.residents: list[Resident] = []
        self.used_addresses: set[tuple] = set()
        self.surname_weights = [w for _, _, w in SURNAMES]

    def surname(self) -> tuple[str, str]:
        kanji, kana, _ = self.rng.choices(SURNAMES, self.surname_weights)[0]
        return kanji, kana

    def address(self) -> tuple:
        rng = self.rng
        while True:
            lot = (rng.choice(TOWNS), rng.randint(1, 6), rng.randint(1, 35), rng.randint(1, 30))
            if rng.random() < 0.18:  # an apartment: many households share the lot, the room tells them apart
                building = f"{rng.choice(BUILDINGS)}{lot[0][:2]}"
                address = (*lot, building, f"{rng.randint(1, 4)}0{rng.randint(1, 8)}")
            else:
                address = (*lot, "", "")
            if address not in self.used_addresses:
                self.used_addresses.add(address)
                return address

    def phone(self, mobile: bool) -> str:
        rng = self.rng
        return f"0{rng.choice('789')}0{rng.randint(10000000, 99999999)}" if mobile else f"0133{rng.randint(100000, 999999)}"

    def birth(self, age: int) -> dt.date:
        return TODAY - dt.timedelta(days=age * 365 + self.rng.randint(0, 364))

    def person(self, home: Home, family: tuple[str, str], sex: str, age: int) -> Resident:
        given = self.rng.choice(MALE if sex == "M" else FEMALE)
        resident = Resident(len(self.residents), home.uid, family, given, sex, self.birth(age))
        if age >= 15 and self.rng.random() < 0.7:
            resident.mobile = self.phone(True)
        if self.rng.random() < 0.08:  # moved in: some agencies still hold the previous address
            resident.old_address = self.address()
        self.residents.append(resident)
        home.residents.append(resident)
        return resident

    def household(self) -> Home:
        rng = self.rng
        home = Home(len(self.homes), self.address(), self.phone(False) if rng.random() < 0.55 else "")
        self.homes.append(home)
        family = self.surname()
        kind = rng.choices(["single_old", "couple_old", "8050", "family", "single", "three_gen"], [14, 14, 8, 38, 16, 10])[0]
        builders = {"single_old": self._single_old, "couple_old": self._couple_old, "8050": self._8050,
                    "family": self._family, "single": self._single, "three_gen": self._three_gen}
        builders[kind](home, family)
        return home

    def _couple(self, home: Home, family: tuple[str, str], age: int) -> None:
        self.person(home, family, "M", age)
        wife = self.person(home, family, "F", max(18, age + self.rng.randint(-6, 3)))
        wife.maiden = self.surname()

    def _single_old(self, home: Home, family: tuple[str, str]) -> None:
        self.person(home, family, self.rng.choice("MFF"), self.rng.randint(70, 98))

    def _couple_old(self, home: Home, family: tuple[str, str]) -> None:
        self._couple(home, family, self.rng.randint(68, 92))

    def _8050(self, home: Home, family: tuple[str, str]) -> None:
        parent_age = self.rng.randint(75, 95)
        if self.rng.random() < 0.5:
            self._couple(home, family, parent_age)
        else:
            self.person(home, family, "F", parent_age)
        self.person(home, family, self.rng.choice("MF"), min(64, max(40, parent_age - self.rng.randint(22, 35))))

    def _family(self, home: Home, family: tuple[str, str]) -> None:
        parent_age = self.rng.randint(28, 55)
        self._couple(home, family, parent_age)
        for _ in range(self.rng.choice([0, 1, 1, 2, 2, 2, 3])):
            self._child(home, family, self.rng.randint(0, min(parent_age - 20, 25)))

    def _child(self, home: Home, family: tuple[str, str], age: int) -> None:
        child = self.person(home, family, self.rng.choice("MF"), age)
        if self.rng.random() < 0.04:  # twins: same birth date and dwelling, another given name
            twin = self.person(home, family, self.rng.choice("MF"), age)
            while twin.given == child.given:
                twin.given = self.rng.choice(MALE if twin.sex == "M" else FEMALE)
            twin.birth, twin.old_address = child.birth, child.old_address

    def _single(self, home: Home, family: tuple[str, str]) -> None:
        self.person(home, family, self.rng.choice("MF"), self.rng.randint(20, 69))

    def _three_gen(self, home: Home, family: tuple[str, str]) -> None:
        self.person(home, family, "F", self.rng.randint(78, 96))
        self._family(home, family)

    def add_namesakes(self, share: float) -> None:
        """Same-name strangers: another resident elsewhere with the same name and a close birth date."""
        for original in self.rng.sample(self.residents, int(len(self.residents) * share)):
            home = Home(len(self.homes), self.address())
            self.homes.append(home)
            stranger = self.person(home, original.family, original.sex, 0)
            stranger.given = original.given
            # Mostly a close birth date; now and then the very same one (at another address), which
            # only the address can tell from a move.
            days = self.rng.choices([0, 1, 30, 200, 400, 800, 3000], [1, 3, 3, 4, 4, 3, 2])[0]
            stranger.birth = min(original.birth + dt.timedelta(days=days), TODAY)


# ---------------------------------------------------------------------------------------------
# How agencies write things
# ---------------------------------------------------------------------------------------------


@dataclass
class AgencyStyle:
    """Each agency has its habits; every record also has its own slips."""

    name: str
    field: str
    date_format: str
    kana_form: str
    name_space: bool
    address_format: str
    sex_code: str
    phone_format: str


def agency_styles(rng: random.Random) -> list[AgencyStyle]:
    return [AgencyStyle(
        name, field_, rng.choice(["iso", "slash", "wareki", "letter", "kanji_wareki", "fullwidth"]),
        rng.choice(["katakana", "hiragana", "halfwidth"]), rng.random() < 0.5,
        rng.choice(["chome", "hyphen", "kanji", "prefix_hyphen", "fullwidth"]), rng.choice(["kanji", "letter", "digit"]),
        rng.choice(["hyphen", "plain", "paren"]),
    ) for name, field_ in AGENCIES]


def write_date(date: dt.date, style: str, rng: random.Random) -> str:
    style = style if rng.random() < 0.8 else rng.choice(["iso", "slash", "wareki", "letter"])
    if style == "iso":
        return date.isoformat()
    if style == "slash":
        return f"{date.year}/{date.month}/{date.day}"
    if style == "fullwidth":
        return f"{date.year}/{date.month:02d}/{date.day:02d}".translate(_FULLWIDTH)
    era_text = wareki(date)
    if style == "letter":
        era = era_text[:2]
        year = era_text[2:].split("年")[0].replace("元", "1")
        return f"{'MTSHR'['明治大正昭和平成令和'.index(era) // 2]}{year}.{date.month}.{date.day}"
    if style == "kanji_wareki":
        return _kanji_numbers(era_text)
    return era_text + ("生" if rng.random() < 0.3 else "")


_FULLWIDTH = str.maketrans("0123456789-/", "０１２３４５６７８９－／")


def _kanji_numbers(text: str) -> str:
    def kanji(n: int) -> str:
        tens, ones = divmod(n, 10)
        return ("" if tens == 0 else ("十" if tens == 1 else KANJI_DIGITS[tens] + "十")) + ("" if ones == 0 else KANJI_DIGITS[ones])
    out, number = [], ""
    for char in text + " ":
        if char.isdigit():
            number += char
            continue
        if number:
            out.append(kanji(int(number)))
            number = ""
        out.append(char)
    return "".join(out).strip()


def write_kana(kana: str, form: str) -> str:
    if form == "hiragana":
        return "".join(chr(ord(c) - 0x60) if "\u30a1" <= c <= "\u30f6" else c for c in kana)
    if form == "halfwidth":
        import unicodedata  # noqa: PLC0415 - only needed here
        table = {unicodedata.normalize("NFKC", chr(c)): chr(c) for c in range(0xFF66, 0xFF9E)}
        out = []
        for c in kana:
            base = unicodedata.normalize("NFD", c)
            out.append(table.get(base[0], base[0]) + ("ﾞ" if "\u3099" in base else "ﾟ" if "\u309a" in base else ""))
        return "".join(out)
    return kana


_TYPO_SWAPS = {"ガ": "カ", "ギ": "キ", "グ": "ク", "ゴ": "コ", "ジ": "シ", "ダ": "タ", "ド": "ト", "ブ": "フ", "ヨ": "ョ",
               "ユ": "ュ", "ウ": "ー", "ツ": "ッ", "キ": "ギ", "タ": "ダ", "シ": "ジ", "ハ": "バ"}


def kana_typo(kana: str, rng: random.Random) -> str:
    positions = [i for i, c in enumerate(kana) if c in _TYPO_SWAPS]
    if positions and rng.random() < 0.8:
        i = rng.choice(positions)
        return kana[:i] + _TYPO_SWAPS[kana[i]] + kana[i + 1 :]
    i = rng.randrange(len(kana))
    return kana[:i] + kana[i + 1 :] if len(kana) > 3 else kana


def write_address(address: tuple, style: str, rng: random.Random, drop_room: bool) -> str:
    town, chome, ban, go, building, room = address
    style = style if rng.random() < 0.8 else rng.choice(["chome", "hyphen", "kanji"])
    if style == "kanji":
        lot = f"{_kanji_numbers(str(chome))}丁目{_kanji_numbers(str(ban))}番{_kanji_numbers(str(go))}号"
    elif style == "chome":
        lot = f"{chome}丁目{ban}番{go}号" if rng.random() < 0.7 else f"{chome}丁目{ban}番地{go}"
    else:
        dash = rng.choice(["-", "－", "ー", "‐", "−"]) if style != "hyphen" else "-"
        lot = f"{chome}{dash}{ban}{dash}{go}"
    if style == "fullwidth":
        lot = lot.translate(_FULLWIDTH)
    prefix = rng.choice(["北海道つなぐ市", "つなぐ市"]) if style == "prefix_hyphen" or rng.random() < 0.15 else ""
    text = f"{prefix}{town}{lot}"
    if building and not drop_room:
        text += rng.choice([f" {building}{room}号室", f" {building} {room}", f"-{room}", f"　{building}{room}号"])
    elif building and rng.random() < 0.5:
        text += f" {building}"
    return text


def write_phone(digits: str, style: str) -> str:
    if not digits:
        return ""
    # Mobiles (070/080/090) are 11 digits, 3-4-4; the fictional town's landlines 0133-xx-xxxx.
    head, mid, tail = (digits[:3], digits[3:7], digits[7:]) if len(digits) == 11 else (digits[:4], digits[4:6], digits[6:])
    if style == "paren":
        return f"({head}){mid}-{tail}"
    return f"{head}-{mid}-{tail}" if style == "hyphen" else digits


_SEX_TEXT = {"kanji": {"M": "男", "F": "女"}, "letter": {"M": "M", "F": "F"}, "digit": {"M": "1", "F": "2"}}


# ---------------------------------------------------------------------------------------------
# Records
# ---------------------------------------------------------------------------------------------


@dataclass
class Dataset:
    rows: list[dict[str, str]]
    person_truth: list[int]
    household_truth: list[int]
    agency_fields: dict[str, str]


def generate(size: int, seed: int = 42) -> Dataset:
    """`size` records of agencies about a generated population, with the true person and household."""
    rng = random.Random(seed)
    population = Population(rng)
    while len(population.residents) * 2.1 < size:  # about 2.1 records a resident
        population.household()
    population.add_namesakes(0.03)
    styles = agency_styles(rng)
    rows, persons, homes = [], [], []
    residents = population.residents[:]
    rng.shuffle(residents)
    for resident in residents:
        home = population.homes[resident.household]
        for style in rng.sample(styles, rng.choices([1, 2, 3, 4], [30, 35, 22, 13])[0]):
            rows.append(_record(len(rows), resident, home, style, rng))
            persons.append(resident.uid)
            homes.append(home.uid)
            if len(rows) == size:
                return Dataset(rows, persons, homes, {s.name: s.field for s in styles})
    return Dataset(rows, persons, homes, {s.name: s.field for s in styles})


def _record(index: int, resident: Resident, home: Home, style: AgencyStyle, rng: random.Random) -> dict[str, str]:
    return {
        "record_id": f"R{index + 1:07d}", "agency": style.name, "name": _name(resident, style, rng),
        "kana": _kana(resident, style, rng), "birth_date": _birth(resident, style, rng),
        "sex": "" if rng.random() < 0.15 else _SEX_TEXT[style.sex_code][_sex(resident, rng)],
        "address": _address(resident, home, style, rng), "phone": _phone(resident, home, style, rng),
    }


def _family(resident: Resident, rng: random.Random) -> tuple[str, str]:
    return resident.maiden if resident.maiden and rng.random() < 0.15 else resident.family


def _name(resident: Resident, style: AgencyStyle, rng: random.Random) -> str:
    if rng.random() < 0.01:
        return ""
    family = _family(resident, rng)[0]
    if family in VARIANTS and rng.random() < 0.35:
        family = rng.choice(VARIANTS[family])
    space = rng.choice([" ", "\u3000"]) if style.name_space else ""
    return f"{family}{space}{resident.given[0]}"


def _kana(resident: Resident, style: AgencyStyle, rng: random.Random) -> str:
    if rng.random() < 0.10:
        return ""
    family, given = _family(resident, rng)[1], resident.given[1]
    if rng.random() < 0.04:
        given = kana_typo(given, rng)
    space = " " if style.name_space or rng.random() < 0.3 else ""
    return write_kana(f"{family}{space}{given}", style.kana_form)


def _birth(resident: Resident, style: AgencyStyle, rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.03:
        return ""
    date = resident.birth
    if roll < 0.05:  # a slip: one day off, or month and day swapped
        swapped = dt.date(date.year, date.day, date.month) if date.day <= 12 else None
        date = swapped or date + dt.timedelta(days=rng.choice([-1, 1]))
    return write_date(date, style.date_format, rng)


def _sex(resident: Resident, rng: random.Random) -> str:
    return resident.sex if rng.random() > 0.003 else ("F" if resident.sex == "M" else "M")


def _address(resident: Resident, home: Home, style: AgencyStyle, rng: random.Random) -> str:
    if rng.random() < 0.02:
        return ""
    address = resident.old_address if resident.old_address and rng.random() < 0.3 else home.address
    return write_address(address, style.address_format, rng, drop_room=rng.random() < 0.2)


def _phone(resident: Resident, home: Home, style: AgencyStyle, rng: random.Random) -> str:
    if rng.random() < 0.35:
        return ""
    options = [p for p in (home.landline, resident.mobile) if p]
    return write_phone(rng.choice(options), style.phone_format) if options else ""
