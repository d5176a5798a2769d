"""個人情報ファイル簿 (個人情報保護法第74条・第75条): generated from the one registry of personal data
(`tsunagu.rules.personal_data`), so that it lists every 記録項目 the models hold — a field the registry does not know
fails the build before it can be missing here. One entry per 個人情報ファイル, its items in the law's order; as a
page, an Excel workbook and a PDF. It names no one."""

from dataclasses import dataclass

from tsunagu.agencies.models import Municipality
from tsunagu.rules.personal_data import FILES, MODELS, PersonalFile, items_of

# the items of 第74条第1項 in its order (with the 種別 of 第60条 and a 備考), as the book's row heads
HEADS = [
    "個人情報ファイルの名称", "行政機関等の名称", "個人情報ファイルが利用に供される事務をつかさどる組織の名称",
    "個人情報ファイルの利用目的", "記録項目", "記録範囲", "記録情報の収集方法", "要配慮個人情報が含まれるときは、その旨",
    "記録情報の経常的提供先", "開示請求等を受理する組織の名称及び所在地",
    "訂正及び利用停止に関する他の法令の規定による特別の手続等", "個人情報ファイルの種別", "備考",
]


@dataclass(frozen=True)
class Entry:
    file: PersonalFile
    rows: list[tuple[str, str]]  # (head, content), in HEADS' order


def entries() -> list[Entry]:
    municipality = Municipality.objects.order_by("pk").first()
    name = municipality.name if municipality else "（自治体名）"
    return [Entry(f, list(zip(HEADS, _contents(f, name), strict=True))) for f in FILES]


def _contents(f: PersonalFile, municipality: str) -> list[str]:
    kept = sorted({label.split(".")[0] for label, m in MODELS.items() if m.file == f.key and m.history})
    note = ("地域共生社会の包括的支援体制のための情報システム「つなぐ」に記録する。"
            f"記録の変更履歴を保存し、閲覧・出力・印刷は閲覧記録に残す（変更履歴を保存する記録の区分: {'・'.join(kept) or 'なし'}）。"
            + (f" {f.note}" if f.note else ""))
    return [
        f.name, municipality, f"{municipality} {f.office}", f.purpose, "、".join(items_of(f.key)), f.scope, f.collection,
        f.sensitive, f.recipients, f"{municipality} 情報公開・個人情報保護の担当窓口（所在地は{municipality}の庁舎）",
        f.special_procedure, f.kind, note,
    ]
