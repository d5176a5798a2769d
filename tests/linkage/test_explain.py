"""The review queue's explanation in the coordinator's words (no database: the stored JSON alone)."""

from tsunagu.linkage.explain import reasons, summary


def _explanation(name, birth, sex, dwelling, **extra):
    levels = {"氏名・読み": name, "生年月日": birth, "性別": sex, "住所・電話": dwelling}
    return {"band": "review", "probability": 0.8, "fields": [
        {"comparison": c, "level": level, "weight": 0.0} for c, level in levels.items()], **extra}


def test_reasons_say_which_fields_agree_which_differ_and_which_are_blank():
    text = reasons(_explanation("読み一致", "一致", "欠損（比較できず）", "不一致"))
    assert text == "一致：氏名の読み、生年月日。異なる：住所・電話（転居の可能性）。片方の記録に記入なし：性別。"


def test_a_slip_is_said_as_a_slip_and_a_household_that_moved_is_named():
    text = reasons(_explanation("表記ゆれ・読み誤り", "1日違い・1項目違い・月日入れ替え", "一致", "不一致", household_bonus=4.0))
    assert "氏名は表記ゆれか読みの1字違い。" in text and "生年月日は1日違いか1項目違い" in text
    assert "同じ世帯の人が、同じ二つの住所で同一人物と判定されています" in text


def test_the_summary_says_why_a_pair_is_held_back():
    assert "名が異なるため" in summary(_explanation("姓のみ一致（名が異なる）", "不一致", "一致", "住所一致", guard="given"))
    assert "性別が異なるため" in summary(_explanation("漢字・読み一致", "一致", "不一致", "住所一致", guard="sex"))
    assert "双子の可能性" in summary(_explanation("姓のみ一致（名が異なる）", "一致", "一致", "住所一致", twin_guard=True))
