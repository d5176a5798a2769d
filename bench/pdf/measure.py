"""One warm process (bench.pdf.run starts it with the benchmark's environment): the PDFs requested one after another,
timed, and the figures printed."""

import os
import statistics
import sys
import time
from datetime import date

import django

django.setup()

from django.test import Client  # noqa: E402

from tsunagu.agencies.models import Staff  # noqa: E402
from tsunagu.cases.models import Consultation  # noqa: E402
from tsunagu.people.models import Person  # noqa: E402

TARGET_MS = 500


def _son_of_the_seed_household() -> Person:
    """高橋 健一 of 高橋さん世帯 (people.demo.SEED_FAMILY), recorded by the 地域包括支援センター that signs in."""
    return Person.objects.get(name="高橋 健一", kana="たかはし けんいち", birth_date=date(1975, 2, 3),
                              household_memberships__household__name="高橋さん世帯")


def _time(client: Client, url: str, renders: int, warmup: int) -> tuple[list[float], list[float], int]:
    """Wall-clock and CPU milliseconds of each request, and the largest PDF's size. The CPU time is this process's
    own: on a machine busy with other work the wall clock grows, the CPU time does not."""
    for _ in range(warmup):
        client.get(url)
    wall, cpu, sizes = [], [], []
    for _ in range(renders):
        started, started_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
        if response.status_code != 200 or not response.content.startswith(b"%PDF"):
            raise SystemExit(f"{url}: status {response.status_code}, not a PDF")
        sizes.append(len(response.content))
    return wall, cpu, max(sizes)


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[94]


def main() -> None:
    database, renders, warmup = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    client = Client()
    client.force_login(Staff.objects.get(login_id="houkatsu"))
    son = _son_of_the_seed_household()
    requests = [(f"GET 同意書 PDF（{son.name}）", f"/people/{son.pk}/consents/sheet.pdf"),
                ("GET 白紙の相談受付・申込票 PDF（本人同意あり）", "/cases/forms/consultation_consented.pdf")]
    consultation = Consultation.objects.filter(person=son, voided_at__isnull=True).order_by("-received_on", "-pk").first()
    if consultation is not None:  # the target: the seed-shaped household's 申込票, filled
        requests.insert(0, (f"GET 記入済みの相談受付・申込票 PDF（{son.name}）",
                            f"/cases/consultations/{consultation.pk}/print.pdf"))
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"\n## 帳票のPDF — {database}, city profile, {renders} renders after {warmup} warm-up, one process "
          f"({os.cpu_count()} CPUs, load average {load})")
    print(f"{'request':<44} {'n':>4} {'p50ms':>7} {'p95ms':>7} {'maxms':>7} {'cpu p50':>8} {'cpu p95':>8} {'KB':>5}  target")
    for name, url in requests:
        wall, cpu, size = _time(client, url, renders, warmup)
        verdict = "ok" if _p95(wall) <= TARGET_MS else "OVER"
        print(f"{name:<44} {len(wall):>4} {statistics.median(wall):>7.0f} {_p95(wall):>7.0f} {max(wall):>7.0f} "
              f"{statistics.median(cpu):>8.0f} {_p95(cpu):>8.0f} {size / 1024:>5.0f}  p95 ≤ {TARGET_MS} ms {verdict}")


if __name__ == "__main__":
    main()
