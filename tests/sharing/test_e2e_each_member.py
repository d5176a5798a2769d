"""世帯の一人ひとり, in chromium: the seed-shaped household walked member by member. Every page visited is axe-checked.

十河さん世帯 (fictional): 80代の夫婦 (認知症), 息子 (精神疾患で失業中), 孫 (不登校、ネグレクト). The 地域包括 worker records
each member's needs at intake, the son's consent to the poverty agency and his refusal of the others, the grandchild's
consent (given by the grandparents who care for her) and refers the grandchild and the son, each to the agency of
their own need; the son's refusal leads to a 支援会議; the grandparents consent later, and the 重層的支援会議 item shares
only them. The 同意書 is printed, and the year's figures move: 複合課題世帯数 +1, つなぎ件数 +2, 支援会議 開催回数 +1.
"""

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests import factories
from tests.conftest import assert_accessible, browser_login
from tsunagu.agencies.actor import actor_for
from tsunagu.cases.models import Case, PersonConcern, Referral
from tsunagu.core.fiscal import fiscal_year
from tsunagu.meetings.models import AgendaItem, Meeting, MeetingKind, MeetingMember
from tsunagu.people import services as people
from tsunagu.reports.figures import yearly_figures
from tsunagu.sharing.models import Consent, ConsentDecision, Inquiry

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

FIGURES = ("multi_issue_households", "referrals", "support_meetings")


def _figures() -> dict[str, object]:
    table = yearly_figures(fiscal_year(timezone.localdate()))
    return {key: table.value(key) or 0 for key in FIGURES}


def _seat(meeting, *agencies):
    joined = timezone.localdate() - timedelta(days=30)
    for agency in agencies:
        MeetingMember.objects.create(meeting=meeting, agency=agency, joined_on=joined, confidentiality_pledged_on=joined)


def _as(page, live_server, login_id):
    page.context.clear_cookies()
    browser_login(page, live_server, login_id)


def _record(page, live_server, person, decision, agencies, reason=""):
    page.goto(f"{live_server.url}/people/{person.pk}/")
    page.get_by_text("本人同意・不同意を記録する").click()
    page.get_by_role("radio", name=decision, exact=True).check()
    for agency in agencies:
        page.get_by_role("checkbox", name=agency.name).check()
    page.get_by_label("同意・不同意の日").fill(timezone.localdate().isoformat())
    if reason:
        page.get_by_label("理由・本人の言葉（任意）").fill(reason)
    page.get_by_role("button", name="記録する", exact=True).click()
    expect(page.locator(".messages")).to_contain_text(f"{'不同意' if decision == '不同意' else '本人同意'}を記録しました")


def _refer(page, live_server, case, person, agency, reason):
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    page.get_by_role("link", name="他機関につなぐ").click()
    page.get_by_role("link", name=f"{person.name}さんをつなぐ").click()
    expect(page.locator("main")).to_contain_text("この方の情報だけが共有されます")
    page.get_by_label("つなぎ先の機関").select_option(label=agency.name)
    page.get_by_label("つなぐ理由").fill(reason)
    page.get_by_label("依頼内容").fill("状況の確認と支援をお願いします")
    page.get_by_label("回答期日").fill((timezone.localdate() + timedelta(days=7)).isoformat())
    assert_accessible(page)
    page.get_by_role("button", name="依頼する").click()
    expect(page.locator(".messages")).to_contain_text(f"{agency.name}につなぎました")


def test_the_seed_household_member_by_member(page, live_server, alice, coordinator):
    own = alice.memberships.get().agency
    city = coordinator.memberships.get().agency
    disability = factories.agency("テスト障害者相談支援事業所", kind="disability_consultation", fields=["disability"])
    poverty = factories.agency("テスト生活困窮者自立相談支援機関", kind="poverty_consultation", fields=["poverty", "employment"])
    child = factories.agency("テストこども家庭センター", kind="child_family_center", fields=["children"])
    kodomo = factories.staff(child, login_id="kodomo", name="子供 みらい")
    factories.staff(own, role="manager", login_id="alice_mgr", name="有栖 課長")
    a = actor_for(alice)
    grandfather = people.person_create(actor=a, name="十河 清", kana="そごう きよし", birth_date=date(1942, 5, 1), sex="M")
    grandmother = people.person_create(actor=a, name="十河 ヨシ子", kana="そごう よしこ", birth_date=date(1944, 8, 9), sex="F")
    son = people.person_create(actor=a, name="十河 健一", kana="そごう けんいち", birth_date=date(1975, 2, 3), sex="M")
    grandchild = people.person_create(actor=a, name="十河 蓮", kana="そごう れん", birth_date=date(2014, 6, 1), sex="M")
    household = people.household_create(actor=a, name="十河さん世帯", address="さくら野町旭町1丁目2番3号", members=[
        (grandfather, "", True), (grandmother, "wife", False), (son, "child", False), (grandchild, "grandchild", False)])
    support = Meeting.objects.create(kind=MeetingKind.SUPPORT_MEETING, title="テスト市支援会議", convened_by=city)
    _seat(support, city, own, disability, poverty, child)
    multi = Meeting.objects.create(kind=MeetingKind.MULTI_AGENCY_MEETING, title="テスト市重層的支援会議", convened_by=city)
    _seat(multi, city, own, poverty)
    before = _figures()

    # Intake: each member's own needs.
    browser_login(page, live_server, "alice")
    page.goto(f"{live_server.url}/people/households/{household.pk}/")
    page.get_by_role("link", name="この世帯の相談を受け付ける").click()
    page.get_by_label("主訴").fill("認知症の初期症状がある80代夫婦。息子は失業中で精神疾患。孫は不登校でネグレクト状態。")
    needs = {grandfather: ("認知症", "介護"), grandmother: ("認知症",), son: ("健康・障害", "仕事探し"),
             grandchild: ("ひきこもり・不登校", "DV・虐待")}
    for person, concerns in needs.items():
        member = page.locator("details.intake__member", has_text=person.name)
        member.locator("summary").click()
        for concern in concerns:
            member.get_by_label(concern, exact=True).check()
    assert_accessible(page)
    page.get_by_label("継続支援（支援ケースへ）").check()
    page.get_by_role("button", name="受け付ける").click()
    case = Case.objects.get(household=household)
    needs_table = page.locator("section", has=page.get_by_role("heading", name="世帯員ごとの課題"))
    expect(needs_table.locator("tr", has_text="十河 蓮")).to_contain_text("DV・虐待")
    expect(needs_table.locator("tr", has_text="十河 健一")).to_contain_text("仕事探し")
    assert_accessible(page)
    assert PersonConcern.objects.filter(case=case).count() == 7
    household.refresh_from_db()
    assert household.multi_issue

    # The son agrees to the poverty agency only, and refuses the others; the grandparents consent for the grandchild.
    _record(page, live_server, son, "同意", [poverty])
    _record(page, live_server, son, "不同意", [disability, child, city], "「自分のことを子どもの担当に話されたくない」")
    assert_accessible(page)
    _record(page, live_server, grandchild, "同意", [child], "祖父母（養育者）による同意")

    # Two referrals, each naming one member: the grandchild to こども家庭センター, the son to the poverty agency.
    _refer(page, live_server, case, grandchild, child, "不登校とネグレクトの疑い")
    _refer(page, live_server, case, son, poverty, "失業と家計の相談")
    assert set(Referral.objects.filter(case=case).values_list("person__name", "to_agency__name")) == {
        (grandchild.name, child.name), (son.name, poverty.name)}

    # The refusal shows on the case, with the 支援会議 route.
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    alert = page.locator(".alert", has_text="共有に同意していません")
    expect(alert).to_contain_text("十河 健一さん")
    assert_accessible(page)
    alert.get_by_role("button", name="支援会議での検討を推進員に依頼").click()
    expect(page.locator(".messages")).to_contain_text("支援会議での検討を依頼しました")
    assert Inquiry.objects.filter(from_agency=own).exists()

    # The receiver of the grandchild's referral sees her, not the household.
    _as(page, live_server, "kodomo")
    page.get_by_role("link", name=re.compile("つなぎの依頼が届きました")).click()
    expect(page.locator("dl")).to_contain_text("十河 蓮")
    assert_accessible(page)
    page.goto(f"{live_server.url}/people/households/{household.pk}/")
    expect(page.locator("main")).not_to_contain_text("十河 健一")
    expect(page.locator("main")).not_to_contain_text("十河 清")
    assert kodomo

    # The 支援会議: alice proposes the case, the coordinator takes it up and holds the sitting.
    _as(page, live_server, "alice")
    page.goto(f"{live_server.url}/meetings/agenda/add/?case={case.pk}")
    page.get_by_label("提案する会議").select_option(label=f"{support.title}（支援会議・主催 {city.name}）")
    page.get_by_role("button", name="提案する").click()
    expect(page.locator(".messages")).to_contain_text("提案しました")
    _as(page, live_server, "coord")
    page.goto(f"{live_server.url}/meetings/{support.pk}/")
    page.get_by_role("button", name="受け入れる").click()
    page.get_by_label("開催日").fill(timezone.localdate().isoformat())
    page.get_by_role("button", name="開催予定を登録").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("第1回")
    page.get_by_label("状態").select_option(label="開催済み")
    page.locator("textarea[name=minutes]").fill("息子は同意していない。祖父母に同意をお願いする。")
    page.get_by_role("button", name="議事録を保存").click()
    expect(page.locator(".messages")).to_contain_text("議事録を保存しました")
    assert_accessible(page)

    # Later the grandparents consent; the 重層的支援会議 item shares only them and says who is left out.
    _as(page, live_server, "alice")
    for grandparent in (grandfather, grandmother):
        _record(page, live_server, grandparent, "同意", [city, poverty])
    page.goto(f"{live_server.url}/people/{grandfather.pk}/")
    page.get_by_role("link", name="同意書を印刷").click()
    sheet = page.locator("article.sheet")
    expect(sheet).to_contain_text("個人情報の共有についての同意書")
    expect(sheet).to_contain_text("十河 清")
    assert_accessible(page)
    page.goto(f"{live_server.url}/meetings/agenda/add/?case={case.pk}")
    page.get_by_label("提案する会議").select_option(label=f"{multi.title}（重層的支援会議・主催 {city.name}）")
    page.get_by_role("button", name="提案する").click()
    expect(page.locator(".messages")).to_contain_text("提案しました")
    _as(page, live_server, "coord")
    page.goto(f"{live_server.url}/meetings/{multi.pk}/")
    page.get_by_role("button", name="受け入れる").click()
    item = AgendaItem.objects.get(meeting=multi, case=case)
    assert set(item.members.values_list("name", flat=True)) == {"十河 清", "十河 ヨシ子"}
    _as(page, live_server, "alice")
    page.goto(f"{live_server.url}/meetings/{multi.pk}/")
    agenda = page.locator("section", has=page.get_by_role("heading", name="検討事項（世帯・ケース）"))
    row = agenda.locator("tbody tr", has_text="十河さん世帯")
    expect(row).to_contain_text("十河 清")
    expect(row).to_contain_text("世帯員2名（不同意1名、同意の記録なし1名）は、本人同意がないため共有していません。")
    assert_accessible(page)

    after = _figures()
    assert after == {"multi_issue_households": before["multi_issue_households"] + 1,
                     "referrals": before["referrals"] + 2, "support_meetings": before["support_meetings"] + 1}
    assert Consent.objects.filter(person=son, decision=ConsentDecision.REFUSED).count() == 1
