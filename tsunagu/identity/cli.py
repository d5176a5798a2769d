"""`tsunagu link --input records.csv --output clusters.csv`: 名寄せ of a CSV of agency records.

Messages are in Japanese on stderr and name the line. Bad input (missing columns, undecodable text, too many
rows, a quoted field running on over several lines, a NUL character, a field longer than a record can be) stops
before anything is written; the output folder is checked before the input is read; the output is written to a
temporary file and renamed only when complete, so a file at the output path is always a whole result.
"""

from __future__ import annotations

import argparse
import codecs
import csv
import datetime as dt
import os
import sys
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

from tsunagu.identity.features import INPUT_COLUMNS
from tsunagu.identity.linkage import REVIEW, LinkageResult, link_records

# Above this many records one run would need more than the 4 GB the nightly job is given.
DEFAULT_MAX_RECORDS = 500_000
_SNIFF_BYTES = 1 << 20
# No field of an agency's record (a name, an address) is anywhere near this long; a longer one is a broken export.
MAX_FIELD_CHARS = 10_000


class InputError(Exception):
    """Bad input, explained in Japanese for the person who exported the file."""


def link_command(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    try:
        check_output_folder(Path(args.output))
        records = read_records(Path(args.input), args.max_records)
        result = link_records(records, municipality=args.municipality, today=dt.date.today())
        write_clusters(result, Path(args.output))
    except InputError as error:
        print(f"エラー: {error}", file=sys.stderr)
        return 2
    _report(result)
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="tsunagu link", description="複数機関の記録を名寄せし、本人と世帯を特定します。")
    parser.add_argument("--input", required=True, help="入力CSV（列: " + ", ".join(INPUT_COLUMNS) + "）")
    parser.add_argument("--output", required=True, help="出力CSV（列: record_id, person_id, household_id）")
    parser.add_argument("--municipality", default="", help="住所の先頭から省く自治体名（例: つなぐ市）")
    parser.add_argument("--max-records", type=int, default=DEFAULT_MAX_RECORDS, help="一度に扱う記録の上限")
    return parser


def detect_encoding(path: Path) -> str:
    """UTF-8 (with or without BOM) or Shift_JIS (cp932, as Excel in Japan writes it)."""
    with path.open("rb") as handle:
        head = handle.read(_SNIFF_BYTES)
    for encoding in ("utf-8-sig", "cp932"):
        try:
            # The sniffed block may end inside a multibyte character; the incremental decoder allows that.
            codecs.getincrementaldecoder(encoding)().decode(head, final=False)
        except UnicodeDecodeError:
            continue
        return encoding
    raise InputError(f"{path} の文字コードを判別できません。UTF-8 または Shift_JIS で保存し直してください。")


def read_records(path: Path, max_records: int = DEFAULT_MAX_RECORDS) -> list[dict[str, str]]:
    if not path.is_file():
        raise InputError(f"入力ファイル {path} が見つかりません。")
    encoding = detect_encoding(path)
    if encoding == "cp932":
        print("お知らせ: 入力を Shift_JIS (cp932) として読み込みます。", file=sys.stderr)
    records, seen = [], set()
    for line, record in _rows(path, encoding):
        if record["record_id"] in seen:
            raise InputError(f"{line}行目: record_id「{record['record_id']}」が重複しています。")
        seen.add(record["record_id"])
        records.append(record)
        if len(records) > max_records:
            raise InputError(f"記録が上限の{max_records:,}件を超えています。ファイルを分けるか --max-records を指定してください。")
    if not records:
        raise InputError("記録が1件もありません（見出し行だけ、または空行だけのファイルです）。")
    return records


def _rows(path: Path, encoding: str) -> Iterator[tuple[int, dict[str, str]]]:
    with path.open(encoding=encoding, newline="") as handle:
        reader = csv.DictReader(handle)
        started = 1  # the line the record being read starts on
        try:
            _check_columns(reader.fieldnames)
            started = reader.line_num + 1
            for record in reader:
                _check_record(record, started, reader.line_num)
                line, started = started, reader.line_num + 1
                if not any((value or "").strip() for value in record.values() if isinstance(value, str)):
                    continue  # an empty row carries nothing; skipping it is what the exporter meant
                yield line, _record(record, line)
        except UnicodeDecodeError as error:
            raise InputError(f"{reader.line_num + 1}行目付近で文字コード（{encoding}）として読めない文字があります。"
                             "ファイル全体を同じ文字コードで保存し直してください。") from error
        except csv.Error as error:
            raise InputError(_csv_error(error, started)) from error


def _check_record(record: dict[str, str | None], started: int, ended: int) -> None:
    """A record on one line, without NUL characters or overlong fields; else the line it starts on is named."""
    values = [v for v in record.values() if isinstance(v, str)]
    if ended > started:
        raise InputError(f"{started}行目: 引用符（\"）で始まった項目が閉じられないまま{ended}行目まで続いています。"
                         "引用符の対応を確かめるか、項目の中の改行を取り除いて保存し直してください。")
    if any("\x00" in v for v in values):
        raise InputError(f"{started}行目: NUL文字（\\0）が含まれています。出力元のデータを確かめてください。")
    if any(len(v) > MAX_FIELD_CHARS for v in values):
        raise InputError(f"{started}行目: {MAX_FIELD_CHARS:,}文字を超える項目があります。出力元のデータを確かめてください。")


def _csv_error(error: csv.Error, started: int) -> str:
    if "field larger than field limit" in str(error):
        return f"{started}行目: {MAX_FIELD_CHARS:,}文字を超える項目があります（引用符が閉じられていない可能性があります）。"
    if "NUL" in str(error):
        return f"{started}行目: NUL文字（\\0）が含まれています。出力元のデータを確かめてください。"
    return f"{started}行目: CSVとして読めません。引用符（\"）や区切りのカンマを確かめてください。"


def _check_columns(fieldnames: Sequence[str] | None) -> None:
    if not fieldnames:
        raise InputError("入力ファイルが空です。1行目に列名（" + ", ".join(INPUT_COLUMNS) + "）が必要です。")
    missing = [c for c in INPUT_COLUMNS if c not in [f.strip() for f in fieldnames]]
    if missing:
        raise InputError("必要な列がありません: " + ", ".join(missing) + "（必要な列: " + ", ".join(INPUT_COLUMNS) + "）")


def _record(raw: dict[str, str | None], line: int) -> dict[str, str]:
    record = {key.strip(): (value or "").strip() for key, value in raw.items() if isinstance(key, str)}
    if not record.get("record_id"):
        raise InputError(f"{line}行目: record_id が空です。すべての行に record_id が必要です。")
    return record


def check_output_folder(output: Path) -> None:
    """Before anything is read: the output's folder exists and may be written to."""
    directory = output.resolve().parent
    if not directory.is_dir():
        raise InputError(f"出力先のフォルダ {directory} がありません。")
    if not os.access(directory, os.W_OK):
        raise InputError(f"出力先のフォルダ {directory} に書き込めません。")
    if output.is_dir():
        raise InputError(f"出力先 {output} はフォルダです。ファイル名を指定してください。")


def write_clusters(result: LinkageResult, output: Path) -> None:
    """Write beside the target and rename: a reader never sees a half-written file. The record ids are written
    exactly as the input had them (no apostrophe before "=", "+", "-", "@"), so the result joins back to the input
    by id; see tsunagu.core.cells for why this file is not escaped."""
    directory = output.resolve().parent
    if not directory.is_dir():
        raise InputError(f"出力先のフォルダ {directory} がありません。")
    fd, temp = tempfile.mkstemp(prefix=f".{output.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["record_id", "person_id", "household_id"])
            writer.writerows(result.rows())
        os.replace(temp, output)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def _report(result: LinkageResult) -> None:
    persons = len(set(result.person_of))
    review = sum(1 for pair in result.pairs if pair.band == REVIEW)
    print(f"{len(result.records):,}件の記録から{persons:,}人・{len(result.households):,}世帯を特定しました"
          f"（要確認のペア {review:,}組）。", file=sys.stderr)
    bad_dates = [r for r in result.records if r.birth_error]
    if bad_dates:
        example = bad_dates[0]
        print(f"生年月日を読み取れない記録が{len(bad_dates):,}件あります（例: {example.record_id}: {example.birth_error}）。"
              "これらは生年月日なしで照合しました。", file=sys.stderr)


def main() -> None:  # pragma: no cover - thin wrapper for `python -m tsunagu.identity.cli`
    sys.exit(link_command(sys.argv[1:]))


if __name__ == "__main__":  # pragma: no cover
    main()
