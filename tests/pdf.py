"""Reading a PDF in tests, with poppler-utils (scripts/debian-packages.txt): its text in the order it was drawn, its
pages' sizes, its fonts."""

import re
import subprocess
import tempfile
from pathlib import Path

A4_POINTS = (595.28, 841.89)


def _run(tool: str, pdf: bytes, *args: str) -> str:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "print.pdf"
        path.write_bytes(pdf)
        command = [tool, *args, str(path), *(["-"] if tool == "pdftotext" else [])]
        return subprocess.run(command, capture_output=True, text=True, check=True).stdout  # noqa: S603 — our own tools


def pdf_text(pdf: bytes) -> str:
    """The text as drawn (`-raw`): WeasyPrint draws in document order, so a table reads row by row, label then answer
    (pdftotext's default guesses columns and would interleave them); each page's margins — 取扱注意, the page number
    — come after its content."""
    return _run("pdftotext", pdf, "-raw", "-enc", "UTF-8")


def page_sizes(pdf: bytes) -> list[tuple[float, float]]:
    """Each page's width and height in points (A4 is 595.28 × 841.89)."""
    info = _run("pdfinfo", pdf, "-f", "1", "-l", "999")
    return [(float(w), float(h)) for w, h in re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", info)]


def is_a4(pdf: bytes) -> bool:
    sizes = page_sizes(pdf)
    return bool(sizes) and all(abs(w - A4_POINTS[0]) < 1 and abs(h - A4_POINTS[1]) < 1 for w, h in sizes)


def fonts(pdf: bytes) -> list[dict[str, str]]:
    """pdffonts' rows: name, emb (embedded) and sub (a subset), each 'yes' or 'no'."""
    lines = _run("pdffonts", pdf).splitlines()[2:]
    return [{"name": cols[0], "emb": cols[-5], "sub": cols[-4]} for cols in (line.split() for line in lines) if cols]


def in_order(text: str, labels: list[str]) -> list[str]:
    """The labels not found in `text` after the previous one (an empty list: all there, in this order). Line breaks
    and spaces that the layout puts inside a label are ignored."""
    flat = re.sub(r"\s+", "", text)
    missing, at = [], 0
    for label in labels:
        found = flat.find(re.sub(r"\s+", "", label), at)
        if found < 0:
            missing.append(label)
        else:
            at = found + 1
    return missing
