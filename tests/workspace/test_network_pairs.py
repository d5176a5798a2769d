"""The 連携ネットワーク at a 政令市's size: the graph draws the busiest pairs of agencies and the table lists the
busiest referral pairs, the rest on demand — and every figure shown is the records' own (counted here from the rows
one by one, as the 集計 counts them, against the database's aggregates)."""

import random
import re
from collections import Counter
from datetime import date, datetime, timedelta
from itertools import combinations
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import factories
from tsunagu.cases.queries import referral_answer, referral_answer_days
from tsunagu.core.fiscal import fiscal_year_span
from tsunagu.workspace import queries
from tsunagu.workspace.models import MeetingInventory

from .test_api import Api

YEAR = 2026
JST = ZoneInfo("Asia/Tokyo")
TAKEN_UP = {"accepted", "in_progress", "completed"}
ROW = re.compile(r"<tr><td>([^<]*)</td><td>([^<]*)</td><td>(\d+)</td>\s*<td>([^<]*)</td><td>([^<]*)</td><td>(\d+)件</td></tr>")


@pytest.fixture
def agencies(own_agency, partner_agency, outsider_agency, city_hall):
    return [own_agency, partner_agency, outsider_agency, city_hall, factories.agency("テスト社会福祉協議会", kind="social_welfare_council")]


@pytest.fixture
def referrals(agencies, alice):
    """Referrals between most of the 20 ordered pairs of five agencies, one to seven each, of every status, sent at
    any hour (midnight in Tokyo too) and answered after 0–9 days or not at all; some in the years around."""
    case_model, referral_model = apps.get_model("cases", "Case"), apps.get_model("cases", "Referral")
    household = apps.get_model("people", "Household").objects.create(agency=agencies[0], name="架空世帯")
    case = case_model.objects.create(agency=agencies[0], lead_agency=agencies[0], household=household, title="テスト世帯")
    rng = random.Random(22)
    start = datetime(YEAR, 4, 1, tzinfo=JST)
    for src, dst in rng.sample([(a, b) for a in agencies for b in agencies if a != b], 17):
        for _ in range(rng.randint(1, 7)):
            sent = start + timedelta(minutes=rng.randrange(-30 * 24 * 60, 395 * 24 * 60))  # a month either side too
            status = rng.choice(["accepted", "in_progress", "completed", "declined", "requested", "cancelled"])
            answered = None if status in ("requested", "cancelled") else sent + timedelta(hours=rng.randint(0, 9 * 24))
            referral_model.objects.create(case=case, from_agency=src, to_agency=dst, from_staff=alice, reason="理由", request="依頼",
                                          due_on=date(YEAR, 6, 8), status=status, sent_at=sent, answered_at=answered)
    return referral_model


def expected_referral_pairs(referral_model) -> list[dict]:
    """Each pair's figures from its rows one by one (the answer rule's Python form), busiest first, then by ids."""
    since, until = fiscal_year_span(YEAR)
    rows = referral_model.objects.filter(sent_at__gte=since, sent_at__lt=until)
    by_pair: dict[tuple[int, int], list] = {}
    for r in rows:
        by_pair.setdefault((r.from_agency_id, r.to_agency_id), []).append(r)
    expected = []
    for (src, dst), found in by_pair.items():
        accepted = sum(r.status in TAKEN_UP for r in found)
        declined = sum(r.status == "declined" for r in found)
        answers = [a for r in found if (a := referral_answer(src, dst, r.status, r.sent_at, r.answered_at)) is not None]
        days = referral_answer_days(answers)
        expected.append({"source": src, "target": dst, "count": len(found), "acceptance": accepted / (accepted + declined) if accepted + declined else None,
                         "answer_days": days.median, "unanswered": days.unanswered})
    return sorted(expected, key=lambda e: (-e["count"], e["source"], e["target"]))


def edges_of(graph: dict, kind: str) -> list[dict]:
    return [e["data"] for e in graph["edges"] if e["data"]["type"] == kind]


def as_figures(edge: dict) -> dict:
    return {"source": int(edge["source"][1:]), "target": int(edge["target"][1:]), "count": edge["count"],
            "acceptance": edge["acceptance"], "answer_days": edge["answer_days"], "unanswered": edge["unanswered"]}


def test_the_graph_draws_the_busiest_referral_pairs_with_the_records_figures(referrals):
    expected = expected_referral_pairs(referrals)
    assert len(expected) > 5 and any(e["answer_days"] != int(e["answer_days"] or 0) for e in expected)  # a median between two days
    for busiest in (1, 5, len(expected), None):
        graph = queries.network(YEAR, busiest=busiest)
        shown = [as_figures(e) for e in edges_of(graph, "referral")]
        assert shown == expected[:busiest] if busiest else shown == expected
        assert graph["pairs"]["referral"] == len(expected)
    assert queries.network(YEAR + 2, busiest=5)["pairs"] == {"referral": 0, "meeting": 0}


def test_an_inactive_agencys_pairs_are_left_out_before_the_busiest_are_chosen(referrals, agencies):
    busiest_source = expected_referral_pairs(referrals)[0]["source"]
    gone = next(a for a in agencies if a.pk == busiest_source)
    gone.active = False
    gone.save()
    expected = [e for e in expected_referral_pairs(referrals) if gone.pk not in (e["source"], e["target"])]
    graph = queries.network(YEAR, busiest=3)
    assert [as_figures(e) for e in edges_of(graph, "referral")] == expected[:3]
    assert graph["pairs"]["referral"] == len(expected)
    assert f"a{gone.pk}" not in {n["data"]["id"] for n in graph["nodes"]}


def expected_meeting_pairs(fiscal_year: int) -> Counter:
    """Pairs of agencies sharing a meeting, from the records one by one: each 会議・研修一覧 entry of the year (the
    first of one name and host, its host attending) and each meeting's current members."""
    pairs: Counter = Counter()
    seen = set()
    for entry in MeetingInventory.objects.filter(fiscal_year=fiscal_year).order_by("name", "pk"):
        if (entry.name, entry.host_id) in seen:
            continue
        seen.add((entry.name, entry.host_id))
        pairs.update(combinations(sorted({a.pk for a in entry.attending.all()} | {entry.host_id}), 2))
    member_model = apps.get_model("meetings", "MeetingMember")
    for meeting in apps.get_model("meetings", "Meeting").objects.all():
        current = {m.agency_id for m in member_model.objects.filter(meeting=meeting, left_on__isnull=True)}
        pairs.update(combinations(sorted(current), 2))
    return pairs


@pytest.fixture
def meetings(agencies):
    """会議・研修一覧 entries (one reported twice with other attendees, one whose host is listed among them, one of
    the year before) and meetings with current and former members, two sitting for one agency."""
    own, partner, outsider, hall, council = agencies

    def entry(name, host, attending, year=YEAR, reported_by=None):
        e = MeetingInventory.objects.create(fiscal_year=year, reported_by=reported_by or host, name=name, purpose="共有",
                                            times_per_year=4, basis="municipal", host=host)
        e.attending.set(attending)

    entry("連絡会", hall, [own, partner, outsider])
    entry("連絡会", hall, [council], reported_by=own)  # the same meeting reported by an attendee: counted once
    entry("事例検討会", own, [own, partner])  # its host among the attendees
    entry("研修", council, [hall, own])
    entry("前年度の会議", outsider, [council, partner], year=YEAR - 1)
    meeting_model, member_model = apps.get_model("meetings", "Meeting"), apps.get_model("meetings", "MeetingMember")
    for title, members, former in [("支援会議", [hall, own, own, partner], [council]), ("ケース会議", [own, partner], [])]:
        meeting = meeting_model.objects.create(kind="support_meeting", title=title, convened_by=members[0])
        for agency in members:
            member_model.objects.create(meeting=meeting, agency=agency)
        for agency in former:
            member_model.objects.create(meeting=meeting, agency=agency, left_on=date(YEAR, 5, 1))


def test_shared_meetings_are_counted_by_the_database_as_from_the_records(meetings):
    expected = expected_meeting_pairs(YEAR)
    ranked = sorted(expected.items(), key=lambda item: (-item[1], item[0]))
    pairs, total = queries.shared_meetings(YEAR)
    assert list(pairs.items()) == ranked and total == len(expected)
    assert max(expected.values()) == 4  # own and partner: 連絡会, 事例検討会, 支援会議, ケース会議
    busiest, total = queries.shared_meetings(YEAR, busiest=3)
    assert list(busiest.items()) == ranked[:3] and total == len(expected)
    graph = queries.network(YEAR, busiest=2)
    assert [((int(e["source"][1:]), int(e["target"][1:])), e["count"]) for e in edges_of(graph, "meeting")] == ranked[:2]
    assert graph["pairs"]["meeting"] == len(expected)


def table_rows(html: str, names: dict[str, int]) -> list[dict]:
    def number(text):
        return None if text == "—" else float(text.rstrip("日%"))

    return [{"source": names[src], "target": names[dst], "count": int(count), "acceptance": number(acceptance),
             "answer_days": number(days), "unanswered": int(unanswered)}
            for src, dst, count, acceptance, days, unanswered in ROW.findall(html)]


def shown_as_on_the_page(expected: list[dict]) -> list[dict]:
    return [{**e, "acceptance": None if e["acceptance"] is None else float(f"{e['acceptance'] * 100:.0f}"),
             "answer_days": None if e["answer_days"] is None else float(e["answer_days"])} for e in expected]


def test_the_table_lists_the_busiest_pairs_and_all_on_demand(referrals, meetings, agencies, planner, client_for, monkeypatch):
    monkeypatch.setattr(queries, "BUSIEST_PAIRS", 4)
    names = {a.name: a.pk for a in agencies}
    expected = expected_referral_pairs(referrals)
    client = client_for(planner)
    html = client.get(f"/workspace/design/network/?year={YEAR}").content.decode()
    assert table_rows(html, names) == shown_as_on_the_page(expected[:4])
    assert f"つなぎのある {len(expected)} 組のうち、図に描いた件数の多い 4 組を表示しています。" in html
    assert f'href="?year={YEAR}&amp;pairs=all#referral-pairs">すべて表示（{len(expected)} 組）</a>' in html
    meeting_pairs = len(expected_meeting_pairs(YEAR))
    assert (f"つなぎ：件数の多い 4 組（全 {len(expected)} 組のうち）。共通の会議：会議の多い 4 組（全 {meeting_pairs} 組のうち）。"
            "描いていないつなぎは、下の表の「すべて表示」で確かめられます。") in html
    graph = client.get(f"/workspace/design/network.json?year={YEAR}").json()
    assert [as_figures(e) for e in edges_of(graph, "referral")] == expected[:4] and len(edges_of(graph, "meeting")) == 4
    assert graph["pairs"] == {"referral": len(expected), "meeting": meeting_pairs}

    everything = client.get(f"/workspace/design/network/?year={YEAR}&pairs=all").content.decode()
    assert table_rows(everything, names) == shown_as_on_the_page(expected)
    assert f"つなぎのある {len(expected)} 組すべてを、件数の多い順に表示しています。" in everything
    assert f'href="?year={YEAR}#referral-pairs">件数の多い 4 組だけを表示</a>' in everything


def test_a_small_network_is_drawn_and_listed_whole(referrals, planner, client_for):
    expected = expected_referral_pairs(referrals)
    html = client_for(planner).get(f"/workspace/design/network/?year={YEAR}").content.decode()
    assert len(ROW.findall(html)) == len(expected) < queries.BUSIEST_PAIRS
    assert f"つなぎのある {len(expected)} 組と、共通の会議のある 0 組をすべて描いています。" in html
    assert "すべて表示" not in html
    empty = client_for(planner).get(f"/workspace/design/network/?year={YEAR + 2}").content.decode()
    assert "この年度は、つなぎも共通の会議もありません。" in empty and "この年度のつなぎはありません。" in empty


def test_the_note_says_which_kind_the_graph_leaves_out(meetings, planner, client_for, monkeypatch):
    monkeypatch.setattr(queries, "BUSIEST_PAIRS", 2)
    html = client_for(planner).get(f"/workspace/design/network/?year={YEAR}").content.decode()
    assert f"つなぎ：全 0 組。共通の会議：会議の多い 2 組（全 {len(expected_meeting_pairs(YEAR))} 組のうち）。</p>" in html
    assert "すべて表示" not in html


def test_the_api_gives_every_pair_where_the_graph_draws_the_busiest(referrals, meetings, alice, planner, client_for, monkeypatch):
    monkeypatch.setattr(queries, "BUSIEST_PAIRS", 2)
    expected = expected_referral_pairs(referrals)
    from_api = Api(alice).get("/network", year=YEAR).json()
    assert [as_figures(e) for e in edges_of(from_api, "referral")] == expected
    assert len(edges_of(from_api, "meeting")) == from_api["pairs"]["meeting"] == len(expected_meeting_pairs(YEAR))
    from_page = client_for(planner).get(f"/workspace/design/network.json?year={YEAR}").json()
    assert from_page["pairs"] == from_api["pairs"] and len(edges_of(from_page, "referral")) == 2
    assert edges_of(from_page, "referral") == edges_of(from_api, "referral")[:2]


def test_every_pair_is_for_signed_in_staff_only(client):
    response = client.get(f"/workspace/design/network/?year={YEAR}&pairs=all")
    assert response.status_code == 302 and "/login" in response["Location"]


def _another_process() -> None:
    """A second worker: nothing of the network kept in its memory (the database's shared answers are there)."""
    queries._kept.forget()


def test_the_network_is_counted_once_and_read_by_another_process(referrals, meetings):
    first = queries.network(YEAR, busiest=3)
    _another_process()
    with CaptureQueriesContext(connection) as read:
        assert queries.network(YEAR, busiest=3) == first
    assert len(read.captured_queries) == 2 and all('FROM "core_' in q["sql"] for q in read.captured_queries)
    assert queries.referral_pairs(YEAR, busiest=3) == queries.referral_pairs(YEAR, busiest=3)


def test_each_write_the_network_is_counted_from_is_read_at_once(referrals, meetings, agencies, alice, planner, client_for):
    """What a process has kept never outlives a referral sent, an agency closed, a member joining a meeting or an
    entry of the 会議・研修一覧 gaining an attendee: each, written through its own screen's service or model, gives
    the next reading — the same process's — the records' figures."""
    own, partner, outsider, hall, council = agencies
    client = client_for(planner)

    def graph() -> dict:
        return client.get(f"/workspace/design/network.json?year={YEAR}").json()

    def meeting_count(a, b) -> int:
        return next((e["count"] for e in edges_of(graph(), "meeting")
                     if {e["source"], e["target"]} == {f"a{a.pk}", f"a{b.pk}"}), 0)

    before = graph()
    case = apps.get_model("cases", "Case").objects.get()
    referrals.objects.create(case=case, from_agency=council, to_agency=outsider, from_staff=alice, reason="理由", request="依頼",
                             due_on=date(YEAR, 6, 8), sent_at=datetime(YEAR, 7, 1, 10, tzinfo=JST))
    assert [as_figures(e) for e in edges_of(graph(), "referral")] == expected_referral_pairs(referrals) != \
        [as_figures(e) for e in edges_of(before, "referral")]

    shared = meeting_count(outsider, council)
    member_model = apps.get_model("meetings", "MeetingMember")
    member_model.objects.create(meeting=apps.get_model("meetings", "Meeting").objects.get(title="ケース会議"), agency=council)
    member_model.objects.create(meeting=apps.get_model("meetings", "Meeting").objects.get(title="ケース会議"), agency=outsider)
    assert meeting_count(outsider, council) == shared + 1
    MeetingInventory.objects.get(name="研修").attending.add(outsider, council)
    assert meeting_count(outsider, council) == shared + 2 == expected_meeting_pairs(YEAR)[tuple(sorted((outsider.pk, council.pk)))]

    outsider.active = False
    outsider.save()
    assert f"a{outsider.pk}" not in {n["data"]["id"] for n in graph()["nodes"]}
