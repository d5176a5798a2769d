"""Normalisation of the fields agencies write about a person (名寄せ の前処理).

Plain Python, no Django: the people/cases code imports these for search and intake, and the
linkage engine builds its comparison keys from them. Every function accepts whatever an agency
typed (None and "" included) and never raises on bad text; where a value cannot be understood the
result says so in Japanese instead.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import jntajis

# 和暦 has its home in rules.wareki; 名寄せ and its tests read these names here too.
from tsunagu.rules.wareki import ERAS as ERAS
from tsunagu.rules.wareki import DateFormatError, DateTextError, read_date
from tsunagu.rules.wareki import Era as Era
from tsunagu.rules.wareki import kanji_to_int as kanji_to_int
from tsunagu.rules.wareki import wareki as wareki

# All four MJ縮退マップ schemes: 髙→高, 齋→斎, 邉→辺, 﨑→崎, 𠮷→吉 … The first candidate is the most
# shrunk form, which is what two agencies writing the same name differently have in common.
_MJ_SCHEMES = (
    jntajis.MJShrinkSchemeCombo.JIS_INCORPORATION_UCS_UNIFICATION_RULE
    | jntajis.MJShrinkSchemeCombo.INFERENCE_BY_READING_AND_GLYPH
    | jntajis.MJShrinkSchemeCombo.MOJ_NOTICE_582
    | jntajis.MJShrinkSchemeCombo.MOJ_FAMILY_REGISTER_ACT_RELATED_NOTICE
)
_SPACES = re.compile(r"[\s\u3000]+")

# 異体字 → the form every agency can type, character by character: the 旧字体 of the 常用漢字表 and the variants of
# names that registries keep (髙, 﨑, 邉, 𠮷 …). Applied before and after the MJ縮退マップ, because that map alone
# leaves some pairs apart (it sends 徳 to 德 and 德 to 徳, 真 to 眞, 寿 to 壽). 斎/齋/齊/斉 are one group: the four
# are written for one サイトウ.
_VARIANT_PAIRS = (
    "德徳 邊辺 邉辺 齋斎 齊斎 斉斎 澤沢 濱浜 嶋島 嶌島 廣広 櫻桜 﨑崎 嵜崎 髙高 𠮷吉 眞真 榮栄 龍竜 國国 壽寿 渕淵 渊淵 "
    "檜桧 冱冴 凜凛 遙遥 巖巌 鷗鴎 槗橋 𣘺橋 惠恵 藏蔵 瀧滝 萬万 彌弥 與与 條条 實実 淺浅 禮礼 黑黒 鐵鉄 槇槙 桒桑 "
    "冨富 舘館 栁柳 曾曽 亞亜 惡悪 圍囲 醫医 爲為 衞衛 驛駅 圓円 緣縁 應応 奧奥 假仮 價価 畫画 會会 學学 嶽岳 樂楽 "
    "寬寛 氣気 歸帰 舊旧 據拠 擧挙 峽峡 曉暁 勳勲 薰薫 溪渓 經経 繼継 莖茎 螢蛍 輕軽 鷄鶏 藝芸 儉倹 劍剣 劔剣 圈圏 "
    "檢検 權権 獻献 顯顕 險険 恆恒 黃黄 號号 濟済 碎砕 雜雑 參参 蠶蚕 慘惨 贊賛 殘残 絲糸 兒児 辭辞 濕湿 舍舎 寫写 "
    "釋釈 收収 從従 澁渋 肅粛 處処 敍叙 將将 燒焼 稱称 涉渉 證証 乘乗 剩剰 淨浄 狀状 疊畳 讓譲 釀醸 觸触 寢寝 愼慎 "
    "盡尽 圖図 粹粋 醉酔 穗穂 隨随 髓髄 數数 樞枢 聲声 靜静 攝摂 竊窃 專専 戰戦 潛潜 纖繊 踐践 錢銭 禪禅 雙双 壯壮 "
    "搜捜 插挿 爭争 總総 聰聡 莊荘 裝装 騷騒 臟臓 屬属 續続 墮堕 體体 對対 帶帯 滯滞 臺台 擇択 單単 擔担 膽胆 團団 "
    "彈弾 斷断 晝昼 蟲虫 鑄鋳 廳庁 徵徴 聽聴 鎭鎮 轉転 傳伝 燈灯 當当 黨党 盜盗 稻稲 鬭闘 獨独 讀読 屆届 貳弐 惱悩 "
    "腦脳 霸覇 廢廃 拜拝 賣売 麥麦 發発 髮髪 拔抜 蠻蛮 祕秘 甁瓶 拂払 佛仏 竝並 變変 辨弁 瓣弁 辯弁 舖舗 寶宝 豐豊 "
    "滿満 默黙 譯訳 藥薬 譽誉 豫予 搖揺 樣様 謠謡 來来 賴頼 亂乱 覽覧 兩両 獵猟 綠緑 壘塁 勵励 隸隷 靈霊 齡齢 戀恋 "
    "爐炉 勞労 樓楼 錄録 灣湾 戶戸 步歩 淸清 靑青 增増 龜亀 晉晋 冰氷 冲沖 峯峰"
)
VARIANTS: dict[str, str] = {pair[0]: pair[1] for pair in _VARIANT_PAIRS.split()}
_VARIANT_TABLE = str.maketrans(VARIANTS)


def _nfkc(text: str | None) -> str:
    return unicodedata.normalize("NFKC", text or "").strip()


@lru_cache(maxsize=200_000)
def fold_kanji(text: str) -> str:
    """Fold kanji variants (異体字) to their common form: our table, then the MJ縮退マップ, then our table again."""
    if not text:
        return ""
    text = text.translate(_VARIANT_TABLE)
    try:
        candidates = jntajis.mj_shrink_candidates(text, _MJ_SCHEMES, 1)
    except Exception:  # noqa: BLE001 - a character jntajis cannot map is kept as written
        return text
    return (candidates[0] if candidates else text).translate(_VARIANT_TABLE)


# ---------------------------------------------------------------------------------------------
# Names and readings
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonName:
    """A name as written and its comparison forms; `family`/`given` are empty when not separated."""

    original: str
    key: str
    family: str = ""
    given: str = ""


@lru_cache(maxsize=200_000)
def normalize_name(text: str | None) -> PersonName:
    """NFKC, kanji variants folded, spaces removed; family/given split where the writer separated them."""
    original = text or ""
    cleaned = fold_kanji(_nfkc(original))
    cleaned = _to_katakana(cleaned)  # names written in かな compare with names written in カナ
    parts = [p for p in _SPACES.split(cleaned) if p]
    key = "".join(parts)
    if len(parts) >= 2:
        return PersonName(original, key, parts[0], "".join(parts[1:]))
    return PersonName(original, key)


def _to_katakana(text: str) -> str:
    # Hiragana ぁ(3041)–ゖ(3096) sit exactly 0x60 below their katakana.
    return "".join(chr(ord(c) + 0x60) if "\u3041" <= c <= "\u3096" else c for c in text)


# Readings differ in ways that carry no information about the person: ヂ/ジ, ヅ/ズ, ヲ/オ, ヴ/ブ.
_KANA_EQUIVALENTS = str.maketrans({"ヂ": "ジ", "ヅ": "ズ", "ヲ": "オ", "ヴ": "ブ", "ヰ": "イ", "ヱ": "エ"})


@lru_cache(maxsize=200_000)
def normalize_kana(text: str | None) -> PersonName:
    """ひらがな, カタカナ and half-width ｶﾀｶﾅ to full-width katakana; the split kept where written."""
    cleaned = _to_katakana(_nfkc(text)).translate(_KANA_EQUIVALENTS)
    parts = [p for p in _SPACES.split(cleaned) if p]
    key = "".join(parts)
    if len(parts) >= 2:
        return PersonName(text or "", key, parts[0], "".join(parts[1:]))
    return PersonName(text or "", key)


_ROMAJI_DIGRAPHS = {
    "キャ": "kya", "キュ": "kyu", "キョ": "kyo", "シャ": "sha", "シュ": "shu", "ショ": "sho",
    "チャ": "cha", "チュ": "chu", "チョ": "cho", "ニャ": "nya", "ニュ": "nyu", "ニョ": "nyo",
    "ヒャ": "hya", "ヒュ": "hyu", "ヒョ": "hyo", "ミャ": "mya", "ミュ": "myu", "ミョ": "myo",
    "リャ": "rya", "リュ": "ryu", "リョ": "ryo", "ギャ": "gya", "ギュ": "gyu", "ギョ": "gyo",
    "ジャ": "ja", "ジュ": "ju", "ジョ": "jo", "ビャ": "bya", "ビュ": "byu", "ビョ": "byo",
    "ピャ": "pya", "ピュ": "pyu", "ピョ": "pyo", "ジェ": "je", "シェ": "she", "チェ": "che",
    "ティ": "ti", "ディ": "di", "ファ": "fa", "フィ": "fi", "フェ": "fe", "フォ": "fo",
}
_ROMAJI_SINGLE = dict(zip(
    "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワヲン"
    "ガギグゲゴザジズゼゾダヂヅデドバビブベボパピプペポァィゥェォャュョヮヴ",
    ["a", "i", "u", "e", "o", "ka", "ki", "ku", "ke", "ko", "sa", "shi", "su", "se", "so", "ta", "chi", "tsu", "te", "to", "na", "ni", "nu", "ne", "no", "ha", "hi", "fu", "he", "ho", "ma", "mi", "mu", "me", "mo", "ya", "yu", "yo", "ra", "ri", "ru", "re", "ro", "wa", "o", "n", "ga", "gi", "gu", "ge", "go", "za", "ji", "zu", "ze", "zo", "da", "ji", "zu", "de", "do", "ba", "bi", "bu", "be", "bo", "pa", "pi", "pu", "pe", "po", "a", "i", "u", "e", "o", "ya", "yu", "yo", "wa", "bu"],
    strict=True,
))


@lru_cache(maxsize=200_000)
def kana_romaji(kana: str) -> str:
    """A loose Hepburn form of a katakana reading, long vowels collapsed, for fuzzy comparison.

    Why collapse: agencies write ヨウコ, ヨーコ and ヨオコ for one reading; おう/おお/ー all become o.
    """
    out: list[str] = []
    i, double_next = 0, False
    while i < len(kana):
        pair, char = kana[i : i + 2], kana[i]
        syllable = _ROMAJI_DIGRAPHS.get(pair)
        step = 2 if syllable else 1
        syllable = syllable or _ROMAJI_SINGLE.get(char, "" if char in "ッー" else char.lower())
        if char == "ッ":
            double_next = True
        elif syllable:
            out.append(syllable[0] + syllable if double_next and syllable[0] not in "aiueon" else syllable)
            double_next = False
        i += step
    text = "".join(out)
    return re.sub(r"([aiueo])(?:\1|(?<=o)u|(?<=e)i)+", r"\1", text)


# ---------------------------------------------------------------------------------------------
# Birth dates and 和暦
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BirthDate:
    """Either `iso` (YYYY-MM-DD) or `error` (a Japanese message for the person who typed it)."""

    original: str
    iso: str | None = None
    error: str | None = None

    @property
    def date(self) -> dt.date | None:
        return dt.date.fromisoformat(self.iso) if self.iso else None


def parse_birth_date(text: str | None, *, today: dt.date | None = None) -> BirthDate:
    """Read a 生年月日 as agencies write it: every form of `rules.wareki.read_date` (ISO, slashes, 和暦 in kanji or
    letters, full-width digits), with 生まれ after it; then what a birth date cannot be (in the future, before 明治).

    Impossible dates are rejected with a message, never guessed: 平成32年 does not exist (平成 ended
    in its 31st year), so it gets 「平成は31年（令和元年）までです」 rather than being moved into 令和.
    """
    original = text or ""
    cleaned = re.sub(r"(生まれ|生|うまれ)$", "", _nfkc(original)).strip()
    if not cleaned:
        return BirthDate(original, error="生年月日が空です")
    today = today or dt.date.today()
    try:
        date = read_date(cleaned, today=today)
    except DateFormatError:
        return BirthDate(original, error=f"生年月日「{original}」を読み取れません（例: 1940-03-02、昭和15年3月2日、S15.3.2）")
    except DateTextError as error:
        return BirthDate(original, error=error.message)
    if date > today:
        return BirthDate(original, error=f"生年月日 {date.isoformat()} が未来の日付です")
    if date < dt.date(1868, 1, 1):
        return BirthDate(original, error=f"生年月日 {date.isoformat()} は古すぎます（明治より前）")
    return BirthDate(original, iso=date.isoformat())


# ---------------------------------------------------------------------------------------------
# Addresses
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Address:
    """An address taken apart: `town` (町名), `chome` (丁目), `ban` (番・番地), `go` (号 or the number after 番地),
    `building`, `room` — and `lot`, the plot's numbers as digits (3-27-1), which is what two ways of writing one
    address share: 「3丁目27番地1」, 「3-27-1」, 「三丁目27-1」 and 「３－２７－１」 all give lot 3-27-1.

    `chome` is known when 丁目 is written or three numbers are; 「27番地1」 in a 地番 area has none."""

    original: str
    town: str = ""
    lot: str = ""
    building: str = ""
    room: str = ""
    chome: str = ""
    ban: str = ""
    go: str = ""

    @property
    def key(self) -> str:
        """Comparison key of the dwelling: 旭町1-2-3, or 旭町1-2-3#201 in a building with rooms."""
        if not self.town and not self.lot:
            return ""
        return f"{self.town}{self.lot}#{self.room}" if self.room else f"{self.town}{self.lot}"

    @property
    def lot_key(self) -> str:
        """The plot without the room: what every household in one building shares."""
        return f"{self.town}{self.lot}" if (self.town or self.lot) else ""


# Every dash-like character agencies use between numbers, including the katakana ー typed after a digit.
_HYPHEN_RE = re.compile(r"[-‐‑‒–—―−－﹣➖]|(?<=[\d〇一二三四五六七八九十])[ーｰ]")
_PREFECTURE = re.compile(r"^(東京都|北海道|(?:京都|大阪)府|.{2,3}県)")
_MUNICIPALITY = re.compile(r"^(.{1,6}?郡.{1,5}?[町村]|.{1,6}?市(?:.{1,4}?区)?|.{1,4}?区)(?=.)")
_KANJI_BEFORE_MARK = re.compile(r"([〇一二三四五六七八九十百千]+)(?=丁目|番地|番(?!町)|号|[-の])")
_KANJI_AFTER_MARK = re.compile(r"(?:(?<=丁目)|(?<=番地)|(?<=[番-]))([〇一二三四五六七八九十百千]+)")
_NUMBER_MARKS = re.compile(r"\s*(丁目|番地の?|番|号室|号|の)\s*")
_LOT = re.compile(r"(\d+(?:-\d+)*)")
_ROOM = re.compile(r"(\d+)(?:号室|号)?$")


def address_key(text: str | None, municipality: str = "") -> str:
    """The comparison key of an address: 「旭町一丁目2番3号 コーポ旭201号室」 → 旭町1-2-3#201."""
    return parse_address(text, municipality).key


@lru_cache(maxsize=200_000)
def parse_address(text: str | None, municipality: str = "") -> Address:
    """Take an address apart. `municipality` (e.g. 「つなぐ市」) is dropped when written in front."""
    original = text or ""
    written = _strip_prefix(fold_kanji(_nfkc(original)), municipality)
    cleaned = _digits_for_kanji_numerals(_HYPHEN_RE.sub("-", written))
    match = _LOT.search(cleaned)
    if not match:
        return Address(original, town=_compact(cleaned))
    town = re.sub(r"^(大字|字)", "", _compact(cleaned[: match.start()]))
    numbers = [str(int(n)) for n in match.group(1).split("-")]
    rest = cleaned[match.end() :]
    building, room = _building_and_room(rest)
    if len(numbers) >= 4 and not room:  # 旭町1-2-3-201: a fourth number is the room
        room = numbers.pop()
    chome, ban, go = _lot_parts(numbers, "丁目" in written)
    return Address(original, town=town, lot="-".join(numbers), building=building, room=room, chome=chome, ban=ban,
                   go=go)


def _lot_parts(numbers: list[str], chome_written: bool) -> tuple[str, str, str]:
    """丁目, 番, 号 from the plot's numbers: the first is the 丁目 when 丁目 is written or there are three."""
    if chome_written or len(numbers) >= 3:
        padded = [*numbers, "", ""]
        return padded[0], padded[1], padded[2]
    padded = [*numbers, ""]
    return "", padded[0], padded[1]


def _strip_prefix(text: str, municipality: str) -> str:
    text = _PREFECTURE.sub("", text).lstrip()
    if municipality and text.startswith(municipality):
        return text[len(municipality) :]
    # A bare 「旭町」 is a town name, not a municipality; only 市, 区 and 郡…町 are taken as prefixes.
    stripped = _MUNICIPALITY.sub("", text)
    return stripped if re.search(r"\d|[一二三四五六七八九十]", stripped) else text


_KANJI_NUMERALS = re.compile(r"[〇一二三四五六七八九十百千]")
_BETWEEN_NUMBERS = re.compile(r"(?<=\d)\s*(?:丁目|番地の?|番|の|-)\s*(?=\d)")
_AFTER_NUMBER = re.compile(r"(?<=\d)\s*(?:丁目|番地|番|号)(?!室)")


def _digits_for_kanji_numerals(text: str) -> str:
    if _KANJI_NUMERALS.search(text):
        text = _KANJI_BEFORE_MARK.sub(lambda m: str(kanji_to_int(m.group())), text)
        text = _KANJI_AFTER_MARK.sub(lambda m: str(kanji_to_int(m.group())), text)
    # 丁目 / 番 / 番地 / 号 / の between numbers all mean "next level of the lot number".
    text = _BETWEEN_NUMBERS.sub("-", text)
    return _AFTER_NUMBER.sub("", text)


def _building_and_room(rest: str) -> tuple[str, str]:
    rest = _compact(rest.strip(" -、,"))
    if not rest:
        return "", ""
    room_match = _ROOM.search(rest)
    if not room_match:
        return rest, ""
    building = rest[: room_match.start()].rstrip("-")
    return building, str(int(room_match.group(1)))


def _compact(text: str) -> str:
    return _SPACES.sub("", text)


# ---------------------------------------------------------------------------------------------
# Phones, sex, search
# ---------------------------------------------------------------------------------------------


def normalize_phone(text: str | None) -> str:
    """Digits only; +81 becomes the domestic leading 0. 「(0133)２３-４５６７」 → 0133234567."""
    digits = re.sub(r"\D", "", _nfkc(text))
    if digits.startswith("81") and _nfkc(text).lstrip().startswith("+"):
        digits = "0" + digits[2:]
    return digits if len(digits) >= 6 else ""


_SEX_CODES = {
    "男": "M", "男性": "M", "M": "M", "MALE": "M", "1": "M", "おとこ": "M",
    "女": "F", "女性": "F", "F": "F", "FEMALE": "F", "2": "F", "おんな": "F",
}


def normalize_sex(text: str | None) -> str:
    """男/女/M/F/1/2 (JIS X 0303) → "M" / "F"; anything else (不明, 9, empty) → ""."""
    return _SEX_CODES.get(_nfkc(text).upper(), "")


def search_key(text: str | None) -> str:
    """A key for person search that ignores 髙/高, ひらがな/カタカナ, half-width kana, case and spaces."""
    return _compact(fold_kanji(_to_katakana(_nfkc(text)).translate(_KANA_EQUIVALENTS))).lower()
