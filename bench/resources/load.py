"""A lean HTTP load generator: N visitors at once, each on its own keep-alive connection, in one asyncio loop.

The benchmark server and its load share the machine's two cores, so the load must cost little: a thread per
visitor with urllib (a new connection, a Request object and the email-header parser on every request) took a
large share of a core at a few hundred requests a second and showed up in the server's latencies. Here a request
is one write and two reads on an open socket; `client_cpu_pct` reports what the load itself used.

Each visitor sends a request, reads the whole answer, waits its think time (none by default: the stress model)
and sends the next — a closed loop, so the number of requests in flight never exceeds the number of visitors.
Only 127.0.0.1 is contacted.
"""

from __future__ import annotations

import asyncio
import random
import time
from dataclasses import dataclass, field


@dataclass
class LoadResult:
    measured: list[float] = field(default_factory=list)  # milliseconds, requests started after the warm-up
    warmup: list[float] = field(default_factory=list)
    errors: int = 0
    client_cpu_pct: float = 0.0


async def _read_answer(reader: asyncio.StreamReader) -> tuple[int, bool]:
    """Reads one HTTP/1.1 answer to the end; returns its status and whether the server keeps the connection."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    if "content-length" in headers:
        await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding", "").lower() == "chunked":
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            await reader.readexactly(size + 2)  # the chunk and its CRLF
            if size == 0:
                break
    elif status not in (204, 304):
        await reader.read()  # no length given: the answer ends with the connection
        return status, False
    return status, headers.get("connection", "").lower() != "close"


async def _visitor(host: str, port: int, paths: list[str], offset: int, warmup_end: float, end: float,
                   think: tuple[float, float], result: LoadResult) -> None:
    rng = random.Random(offset)
    connection = None
    i = offset
    while time.perf_counter() < end:
        request = f"GET {paths[i % len(paths)]} HTTP/1.1\r\nHost: {host}:{port}\r\nAccept: text/html\r\n\r\n"
        i += 1
        began = time.perf_counter()
        status = 0
        # A kept connection the server has closed meanwhile (its keep-alive timeout, during a think time) is
        # opened again and the request sent once more, as a browser does; the reconnection counts in the time.
        for attempt in range(2):
            reused = connection is not None
            try:
                if connection is None:
                    connection = await asyncio.open_connection(host, port)
                connection[1].write(request.encode())
                status, keep = await _read_answer(connection[0])
            except (OSError, asyncio.IncompleteReadError, ValueError):
                keep = False
            if not keep and connection is not None:
                connection[1].close()
                connection = None
            if status or not reused or attempt:
                break
        took = (time.perf_counter() - began) * 1000
        if status != 200:
            result.errors += 1
        (result.warmup if began < warmup_end else result.measured).append(took)
        if think[1] > 0:
            await asyncio.sleep(rng.uniform(*think))
    if connection is not None:
        connection[1].close()


def run_users(host: str, port: int, paths: list[str], *, users: int = 20, seconds: float = 20, warmup: float = 5,
              think: tuple[float, float] = (0, 0)) -> LoadResult:
    """`users` visitors at once for `warmup` + `seconds`; each starts at a different page of `paths`."""
    result = LoadResult()

    async def main() -> None:
        start = time.perf_counter()
        await asyncio.gather(*(
            _visitor(host, port, paths, n, start + warmup, start + warmup + seconds, think, result)
            for n in range(users)))

    cpu, wall = time.process_time(), time.perf_counter()
    asyncio.run(main())
    result.client_cpu_pct = (time.process_time() - cpu) / (time.perf_counter() - wall) * 100
    return result
