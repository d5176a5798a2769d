"""J3 in chromium: 支援会議 (pledge, proposal, the convener accepts) → consent → 重層的支援会議 → plan with a lead
agency. axe-core on every page."""

import pytest
from playwright.sync_api import expect

from tests.conftest import assert_accessible, browser_login
from tsunagu.agencies.actor import actor_for
from tsunagu.meetings import services
from tsunagu.meetings.models import ActionItem, AgendaItem, Meeting, MeetingKind
from tsunagu.sharing.models import Consent

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _as(page, live_server, login_id):
    page.context.clear_cookies()
    browser_login(page, live_server, login_id)


def _create_meeting(page, live_server, kind_label, title, agencies):
    page.goto(f"{live_server.url}/meetings/new/")
    page.get_by_label("会議の種類").select_option(label=kind_label)
    page.get_by_label("会議名").fill(title)
    for name in agencies:
        page.get_by_role("checkbox", name=name).check()
    assert_accessible(page)
    page.get_by_role("button", name="作成する").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)


def _pledge_all(meeting, *staff):
    """Each member agency's worker records her own pledge (the browser does it once, for alice, below)."""
    for person in staff:
        member = meeting.members.get(agency=person.memberships.get().agency)
        if member.confidentiality_pledged_on is None:
            services.pledge_record(actor=actor_for(person), member=member, staff=person, method="electronic")


def test_j3_support_meeting_then_consent_then_multi_agency_meeting(page, live_server, world, alice, bob, meeting_members,
                                                                   charlie, coordinator):
    dave, _ = meeting_members
    own, partner, poverty = (s.memberships.get().agency for s in (alice, bob, dave))
    # The coordinator convenes a 支援会議 with four member agencies (hers included).
    _as(page, live_server, "coord")
    _create_meeting(page, live_server, "支援会議", "さくら野町支援会議（高橋さん世帯）", [own.name, partner.name, poverty.name])
    assert_accessible(page)
    meeting = Meeting.objects.get(title="さくら野町支援会議（高橋さん世帯）")
    assert meeting.members.count() == 4

    # alice's agency was added: she records her pledge from the meetings page before she can read anything.
    _as(page, live_server, "alice")
    page.goto(f"{live_server.url}/meetings/")
    expect(page.get_by_role("heading", name="守秘義務の誓約が必要な会議")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="誓約する").click()
    page.get_by_label("方法").select_option(label="画面で確認")
    assert_accessible(page)
    page.get_by_role("button", name="誓約を記録する").click()
    expect(page.locator(".messages")).to_contain_text("守秘義務の誓約を記録しました")
    _pledge_all(meeting, bob, dave)

    # alice's agency records the household's case but does not convene: she proposes it.
    page.goto(f"{live_server.url}/meetings/agenda/add/?case={world.case.pk}")
    page.get_by_label("提案する会議").select_option(label="さくら野町支援会議（高橋さん世帯）（支援会議・主催 テスト市 福祉総合相談課）")
    page.get_by_label("提案の理由（任意）").fill("祖父母の介護と孫の不登校が重なっている")
    assert_accessible(page)
    page.get_by_role("button", name="提案する").click()
    expect(page.locator(".messages")).to_contain_text("提案しました")

    # The coordinator accepts it on the meeting's page.
    _as(page, live_server, "coord")
    page.goto(f"{live_server.url}/meetings/{meeting.pk}/")
    assert_accessible(page)
    page.get_by_role("button", name="受け入れる").click()
    expect(page.locator(".messages")).to_contain_text("検討事項にしました")
    expect(page.get_by_role("link", name=world.case.label)).to_be_visible()

    # A member sees the household case while it is on the agenda, and records minutes, a decision and an action.
    _as(page, live_server, "bob")
    page.goto(f"{live_server.url}/meetings/{meeting.pk}/")
    page.get_by_role("link", name=world.case.label).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(world.case.label)
    expect(page.get_by_text("閲覧の根拠: 支援会議")).to_be_visible()
    page.goto(f"{live_server.url}/meetings/{meeting.pk}/")
    page.get_by_label("開催日").fill("2026-11-20")
    page.get_by_role("button", name="開催予定を登録").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("第1回")
    assert_accessible(page)
    page.locator("textarea[name=minutes]").fill("祖父母による孫の世話が難しくなっている。息子は同意していない。")
    page.get_by_role("button", name="議事録を保存").click()
    expect(page.locator(".messages")).to_contain_text("議事録を保存しました")
    page.locator("textarea[name=text]").fill("息子に同意をお願いし、重層的支援会議に移る")
    page.get_by_role("button", name="決定事項を記録").click()
    page.get_by_label("役割・やること").fill("息子の生活費の状況を確認する")
    page.get_by_label("担当機関").select_option(label=poverty.name)
    page.get_by_label("期日").fill("2026-12-10")
    page.get_by_role("button", name="役割分担を記録").click()
    expect(page.locator(".messages")).to_contain_text("担当機関のダッシュボードに表示されます")
    assert_accessible(page)
    assert ActionItem.objects.get().owner_agency == poverty

    # The owner agency finds it on its dashboard.
    _as(page, live_server, "dave")
    expect(page.locator("body")).to_contain_text("息子の生活費の状況を確認する")

    # A 重層的支援会議 refuses the son's case until his consent covers the member agencies.
    _as(page, live_server, "coord")
    _create_meeting(page, live_server, "重層的支援会議", "重層的支援会議（高橋さん世帯）", [own.name, partner.name, poverty.name])
    multi = Meeting.objects.get(kind=MeetingKind.MULTI_AGENCY_MEETING)
    _pledge_all(multi, alice, bob, dave)
    _as(page, live_server, "alice")
    page.goto(f"{live_server.url}/meetings/agenda/add/?case={world.son_case.pk}")
    page.get_by_label("提案する会議").select_option(label="重層的支援会議（高橋さん世帯）（重層的支援会議・主催 テスト市 福祉総合相談課）")
    page.get_by_role("button", name="提案する").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("同意の記録がありません")
    expect(alert).to_contain_text(poverty.name)
    assert_accessible(page)
    assert not AgendaItem.objects.filter(meeting=multi).exists() and not multi.proposals.exists()

    # The son consents (scope: three agencies) — recorded on his page.
    page.goto(f"{live_server.url}/people/{world.son.pk}/")
    page.get_by_text("本人同意・不同意を記録する").click()
    for agency in (partner, poverty, coordinator.memberships.get().agency):
        page.get_by_role("checkbox", name=agency.name).check()
    page.get_by_label("同意・不同意の日").fill("2026-11-25")
    page.get_by_role("button", name="記録する", exact=True).click()
    assert Consent.objects.filter(person=world.son).count() == 2

    page.goto(f"{live_server.url}/meetings/agenda/add/?case={world.son_case.pk}")
    page.get_by_label("提案する会議").select_option(label="重層的支援会議（高橋さん世帯）（重層的支援会議・主催 テスト市 福祉総合相談課）")
    page.get_by_role("button", name="提案する").click()
    expect(page.locator(".messages")).to_contain_text("提案しました")
    _as(page, live_server, "coord")
    page.goto(f"{live_server.url}/meetings/{multi.pk}/")
    page.get_by_role("button", name="受け入れる").click()
    expect(page.locator(".messages")).to_contain_text("検討事項にしました")
    assert AgendaItem.objects.filter(meeting=multi, case=world.son_case).exists()
    _as(page, live_server, "alice")

    # The plan assigns the lead agency's actions to a partner.
    page.goto(f"{live_server.url}/cases/{world.son_case.pk}/plans/new/")
    page.get_by_label("目標").fill("生活を立て直し、就労体験に参加する")
    page.locator("select[name$='-agency']").first.select_option(label=poverty.name)
    page.locator("input[name$='-description']").first.fill("家計相談と就労準備支援")
    page.get_by_role("button", name="作成", exact=True).click()
    expect(page.locator("body")).to_contain_text("生活を立て直し")
    plan = world.son_case.plans.order_by("-revision").first()
    assert plan.actions.filter(agency=poverty).exists() and world.son_case.lead_agency == own

    # An agency that was never a member and has no consent sees nothing — not even that the case exists.
    _as(page, live_server, "charlie")
    response = page.goto(f"{live_server.url}/cases/{world.son_case.pk}/")
    assert response.status == 404
    page.goto(f"{live_server.url}/meetings/")
    expect(page.locator("main")).not_to_contain_text("高橋")
    assert_accessible(page)
