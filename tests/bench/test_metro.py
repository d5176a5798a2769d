"""bench.metro reads each benchmark's printed figures and runs each on both profiles (the benchmarks themselves
are measured by `make bench-metro`, not here)."""

import pytest

from bench import metro

PAGE_BENCH = """
## postgresql: 20 users, think 1-3 s, 60 s measured
request                                           n  err   p50ms   p95ms   p99ms   req/s  target
GET ケース一覧                                    412    0      38      91     120     6.9  p95≤300 OK
GET ログイン画面（準備）                            20    0      10      12      12     0.3
workers RSS MB: 180 182 190 (max 190)

1人（テストクライアント、20回、ウォーム）   p50 / p95 / 最大 ms
  ケース一覧                     30.1    41.5    50.2
"""

RESOURCES_BENCH = """社会資源 50,460 件のデータベースを用意しました（metro、既存のものを使います）
データベース: PostgreSQL（metro）
  services: 50460
  search_p50_ms: 9.1
  search_p95_ms: 21.4 ✓
  search_max_ms: 30.2
  search_first_round_max_ms: 80.0
  export_s: 40.2 ✗（目標 10）
  public_requests: 5120
  public_errors: 2
  public_p50_ms: 20.0
  public_p95_ms: 61.5 ✓
  public_warmup_p95_ms: 300.1
  public_think1-3s_errors: 0
  public_think1-3s_p95_ms: 15.5
  public_uncached_errors: 0
  public_uncached_p95_ms: 210.0
"""

WORKSPACE_BENCH = """データ（metro、postgresql）: 業務 200 × 職種 10、機関 60、つなぎ 60000、回答 500
inventory     p50    41.2 ms  p95    45.0 ms  max    50.1 ms  目標 ≤ 200 ms  OK
network       p50   120.0 ms  p95   131.5 ms  max   140.0 ms  目標 ≤ 300 ms  OK
summary       p50  2100.0 ms  p95  2300.0 ms  max  2400.0 ms  目標 ≤ 5000 ms  OK
"""


def test_the_page_benchmarks_figures_are_read_as_before():
    figures, rss = metro.parse(PAGE_BENCH)
    assert figures == {"負荷 GET ケース一覧": (91.0, 0), "1人 ケース一覧": (41.5, 0)}
    assert rss == [190]


def test_the_resources_benchmarks_p95_and_errors_are_read_and_the_warmup_left_out():
    figures, _ = metro.parse(RESOURCES_BENCH)
    assert figures == {"search": (21.4, 0), "public": (61.5, 2), "public_think1-3s": (15.5, 0),
                       "public_uncached": (210.0, 0)}


def test_the_workspace_benchmarks_pages_are_read():
    figures, _ = metro.parse(WORKSPACE_BENCH)
    assert figures == {"1人 inventory": (45.0, 0), "1人 network": (131.5, 0), "1人 summary": (2300.0, 0)}


def test_the_benchmarks_with_a_database_of_their_own_get_the_profile_and_one_database_each(monkeypatch):
    monkeypatch.setenv("BENCH_WORKSPACE_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/tsh_x_workspace")
    monkeypatch.delenv("BENCH_RESOURCES_DATABASE_URL", raising=False)
    assert metro.arguments("workspace", "metro") == [
        "bench.workspace.run", "--profile", "metro", "--postgres", "postgres://postgres@127.0.0.1:5432/tsh_x_workspace_metro"]
    assert metro.arguments("resources", "city")[-1].endswith("/tsunagu_bench_resources_city")
    assert metro.arguments("cases", "metro") == ["bench.cases.run", "--databases", "postgresql"]
    assert "workspace" not in metro.LOAD_OPTIONS  # one warm user: no --seconds or --users


def test_an_unknown_benchmark_is_refused_in_japanese(capsys):
    with pytest.raises(SystemExit):
        metro.main(["--modules", "cases,nothing"])
    assert "ベンチマークは" in capsys.readouterr().err
