"""How far a long piece of work on the command line has got (a backup, a restore, a 名寄せ run).

On a terminal one line is rewritten in place; into a file or a pipe (cron's mail, the journal) a line is written at
each new stage and at every tenth of the work, so a log shows progress without thousands of lines. Listeners hear
every step as a dict (`stage`, `done`, `total`, `unit`, `finished`): a backup's progress file, read by the
administrator's page (core.backup.ProgressFile), or an HSDS import's row, read by its page (resources.hsds_imports)
— through `throttled`, so that a listener writing to the database writes at most about once a second.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import Any, Protocol

Listener = Callable[[dict[str, Any]], None]


class Writable(Protocol):
    def write(self, text: str) -> object: ...

    def flush(self) -> object: ...


class Progress:
    """`stage(text)` starts a step; `update(done, total)` reports within it; `done(text)` ends the work."""

    def __init__(self, out: Writable, *, tty: bool | None = None, listeners: Iterable[Listener] = ()) -> None:
        self.out = out
        self.listeners = list(listeners)
        isatty = getattr(out, "isatty", None)
        self.tty = tty if tty is not None else bool(isatty and isatty())
        self.started = time.monotonic()
        self._stage = ""
        self._tenth = -1
        self._open_line = False

    def _write(self, line: str, *, final: bool) -> None:
        elapsed = f"（{time.monotonic() - self.started:.0f} 秒）"
        if self.tty:
            self.out.write("\r\033[K" + line + " " + elapsed + ("\n" if final else ""))
            self._open_line = not final
        else:
            self.out.write(line + " " + elapsed + "\n")
        self.out.flush()

    def _tell(self, done: int = 0, total: int = 0, unit: str = "", finished: bool = False) -> None:
        state = {"stage": self._stage, "done": done, "total": total, "unit": unit.strip(), "finished": finished,
                 "elapsed": round(time.monotonic() - self.started)}
        for listener in self.listeners:
            listener(state)

    def stage(self, text: str) -> None:
        if self._open_line:
            self.out.write("\n")
        self._stage, self._tenth = text, -1
        self._tell()
        self._write(text + "…", final=False)

    def update(self, done: int, total: int, unit: str = "") -> None:
        if total <= 0:
            return
        self._tell(done, total, unit)
        share = min(done / total, 1.0)
        tenth = int(share * 10)
        if not self.tty and tenth == self._tenth:
            return
        self._tenth = tenth
        self._write(f"{self._stage}… {share:.0%}（{done:,} / {total:,}{unit}）", final=False)

    def done(self, text: str) -> None:
        self._stage = text
        self._tell(finished=True)
        if self._open_line:
            self.out.write("\n")
            self._open_line = False
        self._write(text, final=True)


def throttled(listener: Listener, seconds: float = 1.0, clock: Callable[[], float] = time.monotonic) -> Listener:
    """`listener` told of each new stage and of the end at once, and of the steps in between at most once in
    `seconds`: a step's report costs a write where the listener keeps it, and 15,000 rows are 30 steps."""
    last_stage: str | None = None
    last_at = float("-inf")

    def heard(state: dict[str, Any]) -> None:
        nonlocal last_stage, last_at
        now = clock()
        if state["finished"] or state["stage"] != last_stage or now - last_at >= seconds:
            last_stage, last_at = state["stage"], now
            listener(state)

    return heard


def for_command(stdout: Writable, listeners: Iterable[Listener] = ()) -> Progress:
    """The progress of a management command, written to its stdout's own stream: Django's OutputWrapper would end
    every write with a newline, and the line rewritten in place on a terminal needs none."""
    stream: Writable = getattr(stdout, "_out", stdout)
    return Progress(stream, listeners=listeners)
