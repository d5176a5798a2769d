"""Generator B: a second population of agency records with ground truth, written afresh from issue #23's list.

Generator A (bench/linkage/generate.py) is the one the linker was first built against. This file shares none of
its code, name pools, error rates or mixes; it follows the kinds of variation the issue lists, each at its own rate:

- a given name written in kana in one record and in kanji in another, the reading often left empty;
- 異体字: 徳/德, 辺/邊/邉, 斎/齋/齊, 沢/澤, 浜/濱, 島/嶋, 広/廣, 桜/櫻, 崎/﨑, 高/髙, 真/眞, 栄/榮, 竜/龍 …;
- addresses as 「3丁目27番地1」, 「3-27-1」, 「三丁目27-1」, full-width digits, with or without the city, with or without
  a building, and 地番 areas where several houses share one 番地;
- a reading with one wrong kana, a birth date one day off or missing, half-width kana readings;
- an older record under a maiden name, records after a move (the whole household, or one person);
- hard negatives: twins (same birth date and address, other given names), a parent and child sharing name parts and
  address, common names with other birth dates, two families at one street number.

Every name is drawn at random from common name parts: no real person. The benchmark fits its thresholds on one
generator and reports on the other (bench/linkage/run.py), so neither generator's habits can be tuned to.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from tsunagu.rules.wareki import ERAS

TODAY = dt.date(2026, 11, 1)
MUNICIPALITY = "あおば市"
PREFECTURE = "みらい県"

# (kanji, reading, weight, the other ways registries and agencies write it)
FAMILY_NAMES: list[tuple[str, str, int, tuple[str, ...]]] = [
    ("佐藤", "サトウ", 30, ()), ("鈴木", "スズキ", 27, ()), ("高橋", "タカハシ", 22, ("髙橋",)),
    ("田中", "タナカ", 20, ()), ("渡辺", "ワタナベ", 18, ("渡邊", "渡邉")), ("伊藤", "イトウ", 18, ()),
    ("山本", "ヤマモト", 16, ()), ("中村", "ナカムラ", 16, ()), ("小林", "コバヤシ", 15, ()),
    ("斎藤", "サイトウ", 12, ("齋藤", "齊藤")), ("加藤", "カトウ", 14, ()), ("吉田", "ヨシダ", 12, ("𠮷田",)),
    ("山田", "ヤマダ", 12, ()), ("佐々木", "ササキ", 11, ()), ("松本", "マツモト", 10, ()), ("井上", "イノウエ", 9, ()),
    ("木村", "キムラ", 9, ()), ("林", "ハヤシ", 8, ()), ("清水", "シミズ", 8, ()), ("山崎", "ヤマザキ", 8, ("山﨑",)),
    ("中島", "ナカジマ", 7, ("中嶋",)), ("池田", "イケダ", 7, ()), ("阿部", "アベ", 7, ()), ("橋本", "ハシモト", 7, ()),
    ("石川", "イシカワ", 6, ()), ("前田", "マエダ", 6, ()), ("藤田", "フジタ", 6, ()), ("小川", "オガワ", 6, ()),
    ("岡田", "オカダ", 6, ()), ("後藤", "ゴトウ", 5, ()), ("長谷川", "ハセガワ", 5, ()), ("村上", "ムラカミ", 5, ()),
    ("近藤", "コンドウ", 5, ()), ("石井", "イシイ", 5, ()), ("坂本", "サカモト", 5, ()), ("遠藤", "エンドウ", 5, ()),
    ("青木", "アオキ", 4, ()), ("藤井", "フジイ", 4, ()), ("西村", "ニシムラ", 4, ()), ("福田", "フクダ", 4, ()),
    ("太田", "オオタ", 4, ()), ("三浦", "ミウラ", 4, ()), ("藤原", "フジワラ", 4, ()), ("岡本", "オカモト", 4, ()),
    ("松田", "マツダ", 4, ()), ("中川", "ナカガワ", 4, ()), ("原田", "ハラダ", 3, ()), ("小野", "オノ", 3, ()),
    ("竹内", "タケウチ", 3, ()), ("金子", "カネコ", 3, ()), ("和田", "ワダ", 3, ()), ("石田", "イシダ", 3, ()),
    ("上田", "ウエダ", 3, ()), ("柴田", "シバタ", 3, ()), ("工藤", "クドウ", 3, ()), ("宮崎", "ミヤザキ", 3, ("宮﨑",)),
    ("内田", "ウチダ", 3, ()), ("高木", "タカギ", 3, ("髙木",)), ("島田", "シマダ", 3, ("嶋田",)), ("大野", "オオノ", 3, ()),
    ("高田", "タカダ", 2, ("髙田",)), ("武田", "タケダ", 2, ()), ("杉山", "スギヤマ", 2, ()), ("千葉", "チバ", 2, ()),
    ("岩崎", "イワサキ", 2, ("岩﨑",)), ("菅原", "スガワラ", 2, ()), ("野村", "ノムラ", 2, ()), ("徳永", "トクナガ", 2, ("德永",)),
    ("徳田", "トクダ", 2, ("德田",)), ("沢田", "サワダ", 2, ("澤田",)), ("小沢", "オザワ", 2, ("小澤",)),
    ("浜田", "ハマダ", 2, ("濱田",)), ("浜口", "ハマグチ", 1, ("濱口",)), ("広田", "ヒロタ", 2, ("廣田",)),
    ("広瀬", "ヒロセ", 2, ("廣瀬",)), ("桜井", "サクライ", 2, ("櫻井",)), ("桜田", "サクラダ", 1, ("櫻田",)),
    ("田辺", "タナベ", 2, ("田邊", "田邉")), ("川島", "カワシマ", 2, ("川嶋",)), ("長島", "ナガシマ", 1, ("長嶋",)),
    ("五十嵐", "イガラシ", 2, ()), ("東海林", "ショウジ", 1, ()), ("長谷部", "ハセベ", 1, ()), ("真鍋", "マナベ", 1, ("眞鍋",)),
    ("竜田", "タツタ", 1, ("龍田",)), ("国分", "コクブ", 1, ("國分",)), ("大塚", "オオツカ", 2, ()), ("久保", "クボ", 2, ()),
    ("斉藤", "サイトウ", 4, ("齊藤",)), ("松井", "マツイ", 2, ()), ("野口", "ノグチ", 2, ()), ("今村", "イマムラ", 2, ()),
]
# (kanji, reading, other ways of writing it); a name a family passes on shares its first character.
GIVEN_FEMALE: list[tuple[str, str, tuple[str, ...]]] = [
    ("由美", "ユミ", ()), ("美穂", "ミホ", ()), ("恵美", "エミ", ("惠美",)), ("久美", "クミ", ()), ("真理", "マリ", ("眞理",)),
    ("直子", "ナオコ", ()), ("明子", "アキコ", ()), ("悦子", "エツコ", ()), ("早苗", "サナエ", ()), ("千代子", "チヨコ", ()),
    ("ツル", "ツル", ()), ("ミツ", "ミツ", ()), ("綾香", "アヤカ", ()), ("七海", "ナナミ", ()), ("美月", "ミツキ", ()),
    ("心春", "コハル", ()), ("紬", "ツムギ", ()), ("楓", "カエデ", ()), ("桃子", "モモコ", ()), ("瑞穂", "ミズホ", ()),
    ("裕美", "ヒロミ", ()), ("朋子", "トモコ", ()), ("睦子", "ムツコ", ()), ("佳代", "カヨ", ()), ("弘子", "ヒロコ", ()),
    ("静江", "シズエ", ()), ("房子", "フサコ", ()), ("徳子", "トクコ", ("德子",)), ("広美", "ヒロミ", ("廣美",)),
    ("桜子", "サクラコ", ("櫻子",)), ("沙耶", "サヤ", ()), ("遥", "ハルカ", ("遙",)), ("真由", "マユ", ()),
    ("彩乃", "アヤノ", ()), ("麻美", "アサミ", ()), ("美保", "ミホ", ()), ("亜紀", "アキ", ()), ("栄子", "エイコ", ("榮子",)),
    ("美紀子", "ミキコ", ()), ("道子", "ミチコ", ()), ("君子", "キミコ", ()), ("美智子", "ミチコ", ()), ("陽子", "ヨウコ", ()),
    ("由香", "ユカ", ()), ("優花", "ユウカ", ()), ("結子", "ユイコ", ()), ("千里", "チサト", ()), ("小百合", "サユリ", ()),
]
GIVEN_MALE: list[tuple[str, str, tuple[str, ...]]] = [
    ("実", "ミノル", ()), ("勝", "マサル", ()), ("稔", "ミノル", ()), ("茂雄", "シゲオ", ()), ("正", "タダシ", ()),
    ("明", "アキラ", ()), ("徹", "トオル", ()), ("浩二", "コウジ", ()), ("健二", "ケンジ", ()), ("健太郎", "ケンタロウ", ()),
    ("大介", "ダイスケ", ()), ("雅人", "マサト", ()), ("拓海", "タクミ", ()), ("陽向", "ヒナタ", ()), ("悠人", "ユウト", ()),
    ("朝陽", "アサヒ", ()), ("奏太", "ソウタ", ()), ("蒼", "アオイ", ()), ("律", "リツ", ()), ("隼人", "ハヤト", ()),
    ("竜也", "タツヤ", ("龍也",)), ("広志", "ヒロシ", ("廣志",)), ("徳男", "ノリオ", ("德男",)), ("栄一", "エイイチ", ("榮一",)),
    ("真一", "シンイチ", ("眞一",)), ("一男", "カズオ", ()), ("二郎", "ジロウ", ()), ("三郎", "サブロウ", ()),
    ("義雄", "ヨシオ", ()), ("敏夫", "トシオ", ()), ("昭二", "ショウジ", ()), ("光", "ヒカル", ()), ("翼", "ツバサ", ()),
    ("仁", "ジン", ()), ("隆之", "タカユキ", ()), ("慎也", "シンヤ", ()), ("健一", "ケンイチ", ()), ("健太", "ケンタ", ()),
    ("浩之", "ヒロユキ", ()), ("誠司", "セイジ", ()), ("和彦", "カズヒコ", ()), ("正樹", "マサキ", ()), ("幸一", "コウイチ", ()),
    ("高志", "タカシ", ("髙志",)), ("辰夫", "タツオ", ()), ("清", "キヨシ", ()), ("大和", "ヤマト", ()), ("悠斗", "ユウト", ()),
]
# Names a child may take after a parent: the parent's first character kept (健一 → 健太, 美穂 → 美保).
HEIR_NAMES = {"健": ("健二", "健太", "健太郎", "健一"), "美": ("美保", "美穂", "美紀子", "美月", "美智子"),
              "浩": ("浩二", "浩之"), "正": ("正樹", "正"), "真": ("真一", "真由", "真理"), "広": ("広志", "広美"),
              "由": ("由美", "由香"), "徳": ("徳男", "徳子"), "栄": ("栄一", "栄子"), "高": ("高志",)}
# 住居表示 towns (丁目・番・号) and 地番 areas (大字 … 番地, several houses may share one 番地).
BLOCK_TOWNS = ["中央町", "若松町", "昭和町", "桜町", "青葉", "緑が丘", "港町", "一番町", "八幡町", "朝日が丘", "松が枝町",
               "富士見", "川原町", "駅前", "花見台", "高砂", "栄", "東雲", "白山", "本郷"]
LAND_TOWNS = ["大字新田", "大字上野", "大字三本松", "大字沢口", "大字浜崎", "大字広野", "大字島原", "大字高森"]
BUILDINGS = ["グリーンハイツ", "パークサイド", "ヴィラ", "サンコーポ", "第二マンション", "フォレスト", "リバーサイド"]
# Eight agencies, each with its own habits (see Habit).
AGENCIES = ["長寿支援課", "障がい福祉課", "自立相談センター", "子育て世代包括支援センター", "健康推進課", "地域福祉協議会",
            "教育相談室", "住宅課"]


@dataclass
class Person:
    uid: int
    home: int
    family: tuple[str, str, tuple[str, ...]]
    given: tuple[str, str, tuple[str, ...]]
    sex: str
    birth: dt.date
    maiden: tuple[str, str, tuple[str, ...]] | None = None
    mobile: str = ""
    moved_from: tuple | None = None  # the previous address some agencies still hold


@dataclass
class Dwelling:
    uid: int
    address: tuple  # (town, 丁目 or 0, 番, 号 or 0, building, room)
    landline: str = ""
    people: list[Person] = field(default_factory=list)


class Town:
    """The fictional あおば市: dwellings and the people living in them."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.dwellings: list[Dwelling] = []
        self.people: list[Person] = []
        self.taken: set[tuple] = set()
        self.land_lots: list[tuple] = []  # 番地 already built on, which a neighbour may share
        self.weights = [w for _, _, w, _ in FAMILY_NAMES]

    def family_name(self) -> tuple[str, str, tuple[str, ...]]:
        kanji, kana, _, variants = self.rng.choices(FAMILY_NAMES, self.weights)[0]
        return kanji, kana, variants

    def new_address(self) -> tuple:
        rng = self.rng
        while True:
            roll = rng.random()
            if roll < 0.22 and self.land_lots:  # another house on a 番地 already built on: one address, two homes
                return (*rng.choice(self.land_lots), "", "")
            if roll < 0.40:
                lot = (rng.choice(LAND_TOWNS), 0, rng.randint(1, 2400), 0 if rng.random() < 0.6 else rng.randint(1, 9))
                self.land_lots.append(lot)
                address = (*lot, "", "")
            elif roll < 0.70:
                lot = (rng.choice(BLOCK_TOWNS), rng.randint(1, 5), rng.randint(1, 40), rng.randint(1, 25))
                address = (*lot, "", "")
            else:
                lot = (rng.choice(BLOCK_TOWNS), rng.randint(1, 5), rng.randint(1, 40), rng.randint(1, 25))
                address = (*lot, f"{rng.choice(BUILDINGS)}{rng.choice('ABC') if rng.random() < 0.3 else ''}",
                           f"{rng.randint(1, 6)}{rng.randint(0, 1)}{rng.randint(1, 9)}")
            if address not in self.taken:
                self.taken.add(address)
                return address

    def number(self, mobile: bool) -> str:
        rng = self.rng
        if mobile:
            return f"0{rng.choice('89')}0{rng.randint(1000, 9999)}{rng.randint(1000, 9999)}"
        return f"0227{rng.randint(10, 99)}{rng.randint(1000, 9999)}"

    def born(self, age: int) -> dt.date:
        return TODAY - dt.timedelta(days=365 * age + self.rng.randint(0, 364))

    def add(self, home: Dwelling, family, sex: str, age: int, given=None) -> Person:  # noqa: ANN001
        pool = GIVEN_MALE if sex == "M" else GIVEN_FEMALE
        person = Person(len(self.people), home.uid, family, given or self.rng.choice(pool), sex, self.born(age))
        if age >= 16 and self.rng.random() < 0.6:
            person.mobile = self.number(True)
        self.people.append(person)
        home.people.append(person)
        return person

    def heir(self, parent: Person, sex: str) -> tuple[str, str, tuple[str, ...]] | None:
        """A child's name sharing the parent's first character, when the family keeps one."""
        options = [n for n in HEIR_NAMES.get(parent.given[0][0], ()) if n != parent.given[0]]
        pool = {g[0]: g for g in (GIVEN_MALE if sex == "M" else GIVEN_FEMALE)}
        named = [pool[n] for n in options if n in pool]
        return self.rng.choice(named) if named and self.rng.random() < 0.5 else None

    def household(self) -> None:
        rng = self.rng
        home = Dwelling(len(self.dwellings), self.new_address(), self.number(False) if rng.random() < 0.5 else "")
        self.dwellings.append(home)
        family = self.family_name()
        kind = rng.choices(["alone", "elderly_pair", "pair", "young_family", "single_parent", "generations", "8050",
                            "daughter_home"], [18, 15, 10, 30, 7, 9, 8, 3])[0]
        if kind == "alone":
            self.add(home, family, rng.choice("MFF"), rng.randint(22, 99))
        elif kind in ("elderly_pair", "pair"):
            self.pair(home, family, rng.randint(66, 94) if kind == "elderly_pair" else rng.randint(24, 64))
        elif kind in ("young_family", "single_parent"):
            self.children(home, family, self.parents(home, family, rng.randint(26, 52), kind == "single_parent"))
        elif kind == "generations":
            self.add(home, family, rng.choice("FFM"), rng.randint(76, 100))
            self.children(home, family, self.parents(home, family, rng.randint(40, 60), False))
        elif kind == "8050":
            elder = self.add(home, family, rng.choice("FM"), rng.randint(76, 96))
            age = max(40, elder_age(elder) - rng.randint(24, 36))
            sex = rng.choice("MF")
            self.add(home, family, sex, age, self.heir(elder, sex))
        else:  # a married daughter back with her parents, under her married name
            mother, _ = self.pair(home, family, rng.randint(62, 82))
            daughter = self.add(home, self.family_name(), "F", max(28, elder_age(mother) - rng.randint(24, 34)))
            daughter.maiden = family
            self.children(home, daughter.family, [daughter])
        if rng.random() < 0.09:  # the household moved together; older agencies keep the previous address
            old = self.new_address()
            for person in home.people:
                person.moved_from = old

    def pair(self, home: Dwelling, family, age: int) -> tuple[Person, Person]:  # noqa: ANN001
        husband = self.add(home, family, "M", age)
        wife = self.add(home, family, "F", max(20, age + self.rng.randint(-8, 4)))
        wife.maiden = self.family_name()
        return wife, husband

    def parents(self, home: Dwelling, family, age: int, single: bool) -> list[Person]:  # noqa: ANN001
        if single:
            return [self.add(home, family, self.rng.choice("FFFM"), age)]
        return list(self.pair(home, family, age))

    def children(self, home: Dwelling, family, parents: list[Person]) -> None:  # noqa: ANN001
        rng = self.rng
        youngest = min(elder_age(p) for p in parents)
        for _ in range(rng.choices([0, 1, 2, 3, 4], [12, 30, 38, 16, 4])[0]):
            age = rng.randint(0, max(0, min(youngest - 19, 30)))
            sex = rng.choice("MF")
            parent = next((p for p in parents if p.sex == sex), parents[0])
            child = self.add(home, family, sex, age, self.heir(parent, sex))
            if rng.random() < 0.05:  # twins: the same birth date and home, another given name
                other_sex = rng.choice("MF")
                twin = self.add(home, family, other_sex, age)
                while twin.given[1] == child.given[1]:
                    twin.given = rng.choice(GIVEN_MALE if other_sex == "M" else GIVEN_FEMALE)
                twin.birth = child.birth

    def strangers_of_the_same_name(self, share: float) -> None:
        """Common names again: another person with the same name elsewhere, born on another day."""
        for known in self.rng.sample(self.people, int(len(self.people) * share)):
            home = Dwelling(len(self.dwellings), self.new_address(), self.number(False) if self.rng.random() < 0.4 else "")
            self.dwellings.append(home)
            other = self.add(home, known.family, known.sex, 30, known.given)
            offset = self.rng.choice([2, 7, 45, 180, 365, 366, 730, 1800, 5000, -366, -3])
            other.birth = min(known.birth + dt.timedelta(days=offset), TODAY)

    def one_person_moves(self, share: float) -> None:
        for person in self.rng.sample(self.people, int(len(self.people) * share)):
            if person.moved_from is None:
                person.moved_from = self.new_address()


def elder_age(person: Person) -> int:
    return (TODAY - person.birth).days // 365


# ---------------------------------------------------------------------------------------------------------------------
# How each agency writes
# ---------------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Habit:
    agency: str
    registry_forms: bool  # writes the family name as the 戸籍 does (異体字 kept)
    spaced: bool
    kana_script: str  # katakana, hiragana or halfwidth
    date_style: str
    address_style: str
    city_prefix: float  # how often the city (and prefecture) is written before the address
    sex_style: str
    keeps_old_address: float  # how often it still writes a moved person's previous address
    kana_missing: float


def habits(rng: random.Random) -> list[Habit]:
    return [Habit(
        agency=name, registry_forms=rng.random() < 0.4, spaced=rng.random() < 0.6,
        kana_script=rng.choice(["katakana", "katakana", "hiragana", "halfwidth"]),
        date_style=rng.choice(["wareki", "wareki_kanji", "letter", "iso", "slash", "fullwidth", "compact"]),
        address_style=rng.choice(["banchi", "hyphen", "kanji_chome", "fullwidth", "gou"]),
        city_prefix=rng.choice([0.0, 0.3, 0.9]), sex_style=rng.choice(["kanji", "digit", "letter", "word"]),
        keeps_old_address=rng.choice([0.2, 0.5, 0.8]), kana_missing=rng.choice([0.05, 0.12, 0.25]),
    ) for name in AGENCIES]


_FW = str.maketrans("0123456789-", "０１２３４５６７８９－")
_KANJI_DIGIT = "〇一二三四五六七八九"


def kanji_number(n: int) -> str:
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else "十" if tens == 1 else _KANJI_DIGIT[tens] + "十"
    return head + ("" if ones == 0 and tens else _KANJI_DIGIT[ones])


def hiragana(kana: str) -> str:
    return "".join(chr(ord(c) - 0x60) if "ァ" <= c <= "ヶ" else c for c in kana)


_HALF = dict(zip("アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワヲンァィゥェォャュョッー",
                 "ｱｲｳｴｵｶｷｸｹｺｻｼｽｾｿﾀﾁﾂﾃﾄﾅﾆﾇﾈﾉﾊﾋﾌﾍﾎﾏﾐﾑﾒﾓﾔﾕﾖﾗﾘﾙﾚﾛﾜｦﾝｧｨｩｪｫｬｭｮｯｰ", strict=True))
_VOICED = dict(zip("ガギグゲゴザジズゼゾダヂヅデドバビブベボ", "カキクケコサシスセソタチツテトハヒフヘホ", strict=True))
_SEMI = dict(zip("パピプペポ", "ハヒフヘホ", strict=True))


def halfwidth(kana: str) -> str:
    out = []
    for c in kana:
        if c in _VOICED:
            out.append(_HALF[_VOICED[c]] + "ﾞ")
        elif c in _SEMI:
            out.append(_HALF[_SEMI[c]] + "ﾟ")
        else:
            out.append(_HALF.get(c, c))
    return "".join(out)


# One wrong kana: what a listener or a keyboard gets wrong.
_SLIPS = {"ユ": "ュ", "ヨ": "ョ", "ツ": "ッ", "ウ": "ー", "オ": "ウ", "ジ": "ヂ", "ズ": "ヅ", "シ": "ジ", "カ": "ガ", "タ": "ダ",
          "ハ": "バ", "キ": "ギ", "ト": "ド", "コ": "ゴ", "ミ": "ニ", "ル": "ロ", "サ": "ザ", "ホ": "ボ", "ケ": "ゲ", "ロ": "ル"}


def one_wrong_kana(kana: str, rng: random.Random) -> str:
    spots = [i for i, c in enumerate(kana) if c in _SLIPS]
    if not spots:
        return kana
    i = rng.choice(spots)
    return kana[:i] + _SLIPS[kana[i]] + kana[i + 1 :]


def write_birth(date: dt.date, style: str, rng: random.Random) -> str:
    if rng.random() < 0.1:
        style = rng.choice(["iso", "wareki", "slash"])
    era = next(e for e in reversed(ERAS) if date >= e.start)
    year = date.year - era.start.year + 1
    if style == "wareki":
        return f"{era.name}{'元' if year == 1 else year}年{date.month}月{date.day}日"
    if style == "wareki_kanji":
        return f"{era.name}{'元' if year == 1 else kanji_number(year)}年{kanji_number(date.month)}月{kanji_number(date.day)}日"
    if style == "letter":
        return f"{era.letter}{year:02d}.{date.month:02d}.{date.day:02d}"
    if style == "slash":
        return f"{date.year}/{date.month}/{date.day}"
    if style == "fullwidth":
        return f"{date.year}年{date.month}月{date.day}日".translate(_FW)
    if style == "compact":
        return date.strftime("%Y%m%d")
    return date.isoformat()


def write_address(address: tuple, habit: Habit, rng: random.Random) -> str:
    town, chome, ban, go, building, room = address
    style = habit.address_style if rng.random() < 0.75 else rng.choice(["banchi", "hyphen", "kanji_chome", "fullwidth", "gou"])
    if not chome:  # 地番: 「大字新田123番地」 or 「大字新田123番地4」
        lot = f"{ban}番地" + (f"{go}" if go else "") if style != "hyphen" or not go else f"{ban}-{go}"
    elif style == "banchi":
        lot = f"{chome}丁目{ban}番地{go}"
    elif style == "gou":
        lot = f"{chome}丁目{ban}番{go}号"
    elif style == "kanji_chome":
        lot = f"{kanji_number(chome)}丁目{ban}-{go}"
    else:
        lot = f"{chome}-{ban}-{go}"
    if style == "fullwidth":
        lot = lot.translate(_FW)
    text = town + lot
    roll = rng.random()
    if roll < habit.city_prefix * 0.25:
        text = f"{PREFECTURE}{MUNICIPALITY}{text}"
    elif roll < habit.city_prefix:
        text = f"{MUNICIPALITY}{text}"
    if building:
        way = rng.choices(["full", "room_only", "building_only", "none"], [60, 15, 10, 15])[0]
        room_text = room.translate(_FW) if style == "fullwidth" else room
        if way == "full":
            text += rng.choice([f" {building} {room_text}号室", f"　{building}{room_text}", f"{building}{room_text}号"])
        elif way == "room_only":
            text += f"-{room_text}"
        elif way == "building_only":
            text += f" {building}"
    return text


def write_phone(number: str, rng: random.Random) -> str:
    parts = (number[:3], number[3:7], number[7:]) if len(number) == 11 else (number[:4], number[4:6], number[6:])
    return rng.choice(["-".join(parts), "".join(parts), f"{parts[0]}({parts[1]}){parts[2]}", "－".join(parts).translate(_FW)])


_SEX_WORDS = {"kanji": ("男", "女"), "digit": ("1", "2"), "letter": ("M", "F"), "word": ("男性", "女性")}


# ---------------------------------------------------------------------------------------------------------------------
# Records
# ---------------------------------------------------------------------------------------------------------------------


@dataclass
class Dataset:
    rows: list[dict[str, str]]
    person_truth: list[int]
    household_truth: list[int]
    agency_fields: dict[str, str]


FIELDS = {"長寿支援課": "高齢・介護", "障がい福祉課": "障害", "自立相談センター": "生活困窮", "子育て世代包括支援センター": "子ども・子育て",
          "健康推進課": "保健・医療", "地域福祉協議会": "地域福祉", "教育相談室": "子ども・子育て", "住宅課": "住まい"}


def generate(size: int, seed: int = 2023) -> Dataset:
    """`size` agency records about あおば市's residents, with the true person and household of each."""
    people_per_record = 0.58  # about 1.8 records a person; a larger town is drawn if that falls short
    while True:
        dataset = _draw(size, seed, people_per_record)
        if len(dataset.rows) == size:
            return dataset
        people_per_record += 0.05


def _draw(size: int, seed: int, people_per_record: float) -> Dataset:
    rng = random.Random(seed)
    town = Town(rng)
    while len(town.people) < size * people_per_record:
        town.household()
    town.strangers_of_the_same_name(0.04)
    town.one_person_moves(0.03)
    agency_habits = habits(rng)
    order = town.people[:]
    rng.shuffle(order)
    rows: list[dict[str, str]] = []
    persons: list[int] = []
    homes: list[int] = []
    for person in order:
        count = min(1 + int(rng.expovariate(0.8)), len(agency_habits))
        for habit in rng.sample(agency_habits, count):
            rows.append(record(f"B{len(rows) + 1:07d}", person, town.dwellings[person.home], habit, rng))
            persons.append(person.uid)
            homes.append(person.home)
            if len(rows) == size:
                return Dataset(rows, persons, homes, dict(FIELDS))
    return Dataset(rows, persons, homes, dict(FIELDS))


def record(record_id: str, person: Person, home: Dwelling, habit: Habit, rng: random.Random) -> dict[str, str]:
    maiden = person.maiden is not None and person.maiden != person.family and rng.random() < 0.18
    family = person.maiden if maiden and person.maiden else person.family
    name, kana = written_name(person, family, habit, rng)
    address, old = home.address, False
    if person.moved_from and rng.random() < habit.keeps_old_address:
        address, old = person.moved_from, True
    birth = person.birth
    roll = rng.random()
    if roll < 0.03:
        birth = birth + dt.timedelta(days=rng.choice([-1, 1]))
    return {
        "record_id": record_id, "agency": habit.agency, "name": name, "kana": kana,
        "birth_date": "" if 0.03 <= roll < 0.09 else write_birth(birth, habit.date_style, rng),
        "sex": "" if rng.random() < 0.2 else _SEX_WORDS[habit.sex_style][person.sex == "F"],
        "address": "" if rng.random() < 0.03 else write_address(address, habit, rng),
        "phone": phone(person, home, old, rng),
    }


def written_name(person: Person, family: tuple[str, str, tuple[str, ...]], habit: Habit,
                 rng: random.Random) -> tuple[str, str]:
    family_kanji, family_kana, family_variants = family
    given_kanji, given_kana, given_variants = person.given
    if family_variants and rng.random() < (0.6 if habit.registry_forms else 0.15):
        family_kanji = rng.choice(family_variants)
    if given_variants and rng.random() < (0.5 if habit.registry_forms else 0.1):
        given_kanji = rng.choice(given_variants)
    in_kana = rng.random() < 0.07  # the given name written as it sounds: 「佐藤 ゆみ」
    if in_kana:
        given_kanji = hiragana(given_kana) if rng.random() < 0.7 else given_kana
    gap = rng.choice([" ", "　"]) if habit.spaced else ""
    name = f"{family_kanji}{gap}{given_kanji}"
    if rng.random() < habit.kana_missing or (in_kana and rng.random() < 0.5):
        return name, ""
    reading_given = one_wrong_kana(given_kana, rng) if rng.random() < 0.05 else given_kana
    reading = f"{family_kana}{' ' if habit.spaced or rng.random() < 0.3 else ''}{reading_given}"
    if habit.kana_script == "hiragana":
        reading = hiragana(reading)
    elif habit.kana_script == "halfwidth":
        reading = halfwidth(reading)
    return name, reading


def phone(person: Person, home: Dwelling, old: bool, rng: random.Random) -> str:
    if rng.random() < 0.45:
        return ""
    if old and home.landline:  # the old home had another landline; the record has the mobile or nothing
        return write_phone(person.mobile, rng) if person.mobile else ""
    numbers = [n for n in (home.landline, person.mobile) if n]
    return write_phone(rng.choice(numbers), rng) if numbers else ""
