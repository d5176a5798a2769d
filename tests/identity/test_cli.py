"""`tsunagu link`: a whole output or none, and a Japanese message for each kind of bad input."""

import csv

import pytest

from bench.linkage.generate import generate
from tsunagu.identity.cli import link_command

COLUMNS = ["record_id", "agency", "name", "kana", "birth_date", "sex", "address", "phone"]


def _write(path, rows, encoding="utf-8", columns=COLUMNS):
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)


def _run(tmp_path, capsys, *extra):
    code = link_command(["--input", str(tmp_path / "in.csv"), "--output", str(tmp_path / "out.csv"), *extra])
    return code, capsys.readouterr().err


def test_links_a_csv_into_one_row_per_record(tmp_path, capsys):
    rows = generate(600, seed=5).rows
    _write(tmp_path / "in.csv", rows)
    code, err = _run(tmp_path, capsys)
    assert code == 0 and "人" in err and "世帯" in err
    with (tmp_path / "out.csv").open(encoding="utf-8") as handle:
        out = list(csv.DictReader(handle))
    assert [r["record_id"] for r in out] == [r["record_id"] for r in rows]
    assert set(out[0]) == {"record_id", "person_id", "household_id"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv", "out.csv"]


def test_shift_jis_is_detected_and_said(tmp_path, capsys):
    # Excel in Japan writes cp932, which lacks a few characters (𠮷); those rows are left out here.
    rows = [r for r in generate(200, seed=6).rows if all(_encodable(v) for v in r.values())]
    _write(tmp_path / "in.csv", rows, encoding="cp932")
    code, err = _run(tmp_path, capsys)
    assert code == 0 and "Shift_JIS" in err


def _encodable(value):
    try:
        value.encode("cp932")
    except UnicodeEncodeError:
        return False
    return True


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("record_id,name\nR1,高橋\n", "必要な列がありません"),
        ("", "入力ファイルが空です"),
        (",".join(COLUMNS) + "\n,,,,,,,\n\n", "記録が1件もありません"),
        (",".join(COLUMNS) + "\n,包括,高橋,,,,,\n", "record_id が空です"),
        (",".join(COLUMNS) + "\nR1,包括,高橋,,,,,\nR1,包括,高橋,,,,,\n", "重複しています"),
    ],
)
def test_bad_input_stops_with_a_japanese_message_and_writes_nothing(tmp_path, capsys, content, message):
    (tmp_path / "in.csv").write_text(content, encoding="utf-8")
    code, err = _run(tmp_path, capsys)
    assert code == 2 and message in err
    assert not (tmp_path / "out.csv").exists()


def test_undecodable_bytes_are_reported(tmp_path, capsys):
    (tmp_path / "in.csv").write_bytes(",".join(COLUMNS).encode() + b"\nR1,\x81\x20\xff,\x81\x20,,,,,\n")
    code, err = _run(tmp_path, capsys)
    assert code == 2 and "文字コード" in err
    assert not (tmp_path / "out.csv").exists()


def test_too_many_records_is_refused_before_linking(tmp_path, capsys):
    _write(tmp_path / "in.csv", generate(300, seed=8).rows)
    code, err = _run(tmp_path, capsys, "--max-records", "100")
    assert code == 2 and "上限" in err
    assert not (tmp_path / "out.csv").exists()


def test_an_existing_output_is_kept_when_the_input_is_bad(tmp_path, capsys):
    (tmp_path / "out.csv").write_text("前回の結果\n", encoding="utf-8")
    (tmp_path / "in.csv").write_text("record_id\nR1\n", encoding="utf-8")
    code, _ = _run(tmp_path, capsys)
    assert code == 2 and (tmp_path / "out.csv").read_text(encoding="utf-8") == "前回の結果\n"
    assert not list(tmp_path.glob("*.tmp"))


_HEADER = ",".join(COLUMNS) + "\n"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        # a quote opened on line 2 runs on over the next lines: refused, naming the line it opened on
        (_HEADER + 'R1,包括,"高橋,,,,,\nR2,包括,佐藤,,,,,\nR3,包括,鈴木,,,,,\n', "2行目: 引用符"),
        (_HEADER + "R1,包括,高橋,,,,,\nR2,包括,佐\x00藤,,,,,\n", "3行目: NUL文字"),
        (_HEADER + "R1,包括,高橋,,,,,\nR2,包括," + "あ" * 1_200_000 + ",,,,,\n", "3行目: 10,000文字を超える項目"),
        (_HEADER + "R1,包括,高橋,,,,,\nR2,包括,\"" + "あ" * 200_000 + ",,,,,\n", "3行目: 10,000文字を超える項目"),
    ],
)
def test_a_malformed_csv_is_refused_naming_its_line(tmp_path, capsys, content, message):
    (tmp_path / "in.csv").write_text(content, encoding="utf-8")
    code, err = _run(tmp_path, capsys)
    assert code == 2 and message in err
    assert not (tmp_path / "out.csv").exists() and not list(tmp_path.glob("*.tmp"))


def test_the_output_folder_is_checked_before_the_input_is_read(tmp_path, capsys):
    (tmp_path / "in.csv").write_text("record_id\nR1\n", encoding="utf-8")  # bad too, but never read
    code = link_command(["--input", str(tmp_path / "in.csv"), "--output", str(tmp_path / "なし" / "out.csv")])
    err = capsys.readouterr().err
    assert code == 2 and "出力先のフォルダ" in err and "必要な列" not in err
