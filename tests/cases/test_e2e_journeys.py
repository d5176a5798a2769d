"""J1, J2 and J4 in chromium, and a concurrent edit resolved without loss. Every page visited is axe-checked."""

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import assert_accessible, browser_login
from tests.sharing.world import actor
from tsunagu.cases.models import Case, Consultation, ReferralStatus
from tsunagu.people import services as people
from tsunagu.people.models import Household
from tsunagu.sharing.models import Inquiry
from tsunagu.sharing.services import consent_record

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _logout(page):
    page.get_by_role("button", name="ログアウト").click()


def test_j1_intake_with_known_elsewhere_signal_and_inquiry(page, live_server, world, alice, charlie):
    # the son is also recorded by another agency that alice's agency has no basis with
    people.person_create(actor=actor(charlie), name="高橋 健一", kana="タカハシ ケンイチ")
    browser_login(page, live_server, "alice")
    page.get_by_role("link", name="相談を受け付ける").click()
    page.get_by_role("radio", name="電話").check()
    page.get_by_role("radio", name="近隣").check()
    page.get_by_label("本人の氏名（わかる範囲で）").fill("たかはし")
    suggestions = page.locator("#suggestions")
    expect(suggestions).to_contain_text("髙橋 清")
    expect(suggestions).to_contain_text("他の機関で把握されている可能性があります")
    expect(suggestions).not_to_contain_text(charlie.memberships.get().agency.name)
    assert_accessible(page)
    page.get_by_role("button", name="推進員に照会する").click()
    expect(page.locator("#elsewhere")).to_contain_text("照会を推進員に送りました")
    page.get_by_label(re.compile("髙橋 清")).check()
    page.get_by_label("主訴").fill("向かいの高橋さん夫婦の様子がおかしい。ごみが溜まり、息子さんは昼間も家にいる。")
    for concern in ("認知症", "ごみ屋敷", "ひきこもり・不登校"):
        page.get_by_label(concern, exact=True).check()
    page.get_by_label("最も困っていること（◎）").select_option(label="認知症")
    page.get_by_label("継続支援（支援ケースへ）").check()
    page.get_by_role("button", name="受け付ける").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("髙橋 清")  # the case is named by its 呼び名
    expect(page.locator("dl")).to_contain_text("向かいの高橋さん夫婦")
    assert_accessible(page)
    consultation = Consultation.objects.get(route="phone", consulter="neighbour")
    assert consultation.person == world.father and consultation.case is not None
    assert Inquiry.objects.get().holder_agencies.get() == charlie.memberships.get().agency


def test_j2_seed_household_marked_multi_issue_with_agencies_and_meeting_proposed(page, live_server, alice, bob, meeting_members):
    browser_login(page, live_server, "alice")
    page.goto(f"{live_server.url}/people/households/new/")
    page.get_by_label("世帯名").fill("高橋さん世帯")
    page.get_by_label("住所").fill("さくら野町旭町1丁目2番3号")
    assert_accessible(page)
    page.get_by_role("button", name="保存").click()
    members = [("髙橋 清", "たかはし きよし", "昭和17年5月1日", ""), ("高橋 ヨシ子", "たかはし よしこ", "S19.8.9", "妻"),
               ("高橋 健一", "たかはし けんいち", "1975/2/3", "子"), ("高橋 蓮", "たかはし れん", "平成26年6月1日", "孫")]
    for name, kana, birth, relation in members:
        if not page.get_by_label("氏名（新しく登録する場合）").is_visible():
            page.get_by_text("世帯員を追加").click()
        page.get_by_label("氏名（新しく登録する場合）").fill(name)
        page.get_by_label("ふりがな").fill(kana)
        page.get_by_label("生年月日").fill(birth)
        page.get_by_label("世帯主との続柄").select_option(label=relation or "世帯主本人")
        page.get_by_role("button", name="追加", exact=True).click()
        expect(page.locator(".messages")).to_contain_text(f"{name} さんを世帯員に追加しました")
    assert_accessible(page)
    page.get_by_role("link", name="この世帯の相談を受け付ける").click()
    page.get_by_label("主訴").fill("認知症の初期症状がある80代夫婦。息子は失業中で精神疾患。孫は不登校でネグレクト状態。")
    household_wide = page.get_by_role("group", name=re.compile("^相談内容・課題"))  # not a member's own
    for concern in ("介護", "健康・障害", "収入・生活費", "子育て", "DV・虐待"):
        household_wide.get_by_label(concern, exact=True).check()
    page.get_by_label("継続支援（支援ケースへ）").check()
    page.get_by_role("button", name="受け付ける").click()
    household = Household.objects.get(name="高橋さん世帯")
    page.goto(f"{live_server.url}/people/households/{household.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("複合課題世帯")
    card = page.locator("section.card", has_text="相談先の候補")
    for label in ("高齢・介護", "障害", "生活困窮", "子ども・子育て"):
        expect(card).to_contain_text(label)
    expect(card).to_contain_text(bob.memberships.get().agency.name)  # 障害
    expect(card).to_contain_text(meeting_members[0].memberships.get().agency.name)  # 生活困窮
    expect(card).to_contain_text("高橋 健一")  # no consent → a 支援会議 is proposed
    assert_accessible(page)
    page.get_by_role("button", name="支援会議での検討を推進員に依頼").click()
    expect(page.locator(".messages")).to_contain_text("支援会議での検討を依頼しました")
    assert Case.objects.filter(household=household).exists()


def test_j4_referral_declined_then_accepted_elsewhere_outcome_visible(page, live_server, world, alice, bob, meeting_members):
    dave = meeting_members[0]
    consent_record(actor=actor(alice), person=world.son, agencies=[dave.memberships.get().agency])
    browser_login(page, live_server, "bob")
    expect(page.locator(".panel", has_text="つなぎのお知らせ").locator(".badge")).to_have_text("1")
    assert_accessible(page)
    page.get_by_role("link", name=re.compile("つなぎの依頼が届きました")).click()
    page.get_by_label("コメント（辞退の理由・完了時の結果は必須）").fill("対象となるサービスがないため")
    page.get_by_role("button", name="辞退").click()
    expect(page.locator(".messages")).to_contain_text("つなぎの状況を更新しました")
    assert_accessible(page)
    _logout(page)

    browser_login(page, live_server, "alice")
    page.get_by_role("link", name=re.compile("辞退")).click()
    expect(page.locator("dl")).to_contain_text("対象となるサービスがないため")
    page.goto(f"{live_server.url}/cases/{world.son_case.pk}/")
    page.get_by_role("link", name="他機関につなぐ").click()
    page.get_by_label("つなぎ先の機関").select_option(label=dave.memberships.get().agency.name)
    page.get_by_label("つなぐ理由").fill("失業中で家計が苦しい")
    page.get_by_label("依頼内容").fill("家計相談と就労支援")
    page.get_by_label("回答期日").fill("2099-01-31")
    assert_accessible(page)
    page.get_by_role("button", name="依頼する").click()
    _logout(page)

    browser_login(page, live_server, "dave")
    page.get_by_role("link", name=re.compile("つなぎの依頼が届きました")).click()
    page.get_by_role("button", name="受理").click()
    page.get_by_label("コメント（辞退の理由・完了時の結果は必須）").fill("家計改善支援を開始し、就労体験につないだ")
    page.get_by_role("button", name="完了").click()
    _logout(page)

    browser_login(page, live_server, "alice")
    page.goto(f"{live_server.url}/cases/referrals/")
    assert_accessible(page)
    row = page.locator("tr", has_text=dave.memberships.get().agency.name)
    expect(row).to_contain_text("完了")
    row.get_by_role("link").click()
    expect(page.locator("dl")).to_contain_text("家計改善支援を開始し、就労体験につないだ")
    assert world.son_case.referrals.filter(status=ReferralStatus.COMPLETED).count() == 1


def test_concurrent_edit_conflict_resolved_without_loss(page, browser, browser_context_args, live_server, world, alice):
    other = browser.new_context(**browser_context_args).new_page()
    for p in (page, other):
        browser_login(p, live_server, "alice")
        p.goto(f"{live_server.url}/cases/{world.case.pk}/edit/")
    page.get_by_label("概要").fill("Aさん: 長男は昼間も在宅")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".messages")).to_contain_text("保存しました")
    other.get_by_label("概要").fill("Bさん: 孫が不登校")
    other.get_by_role("button", name="保存").click()
    conflict = other.locator(".conflict")
    expect(conflict).to_contain_text("Aさん: 長男は昼間も在宅")
    expect(conflict).to_contain_text("Bさん: 孫が不登校")
    assert_accessible(other)
    other.get_by_label("概要").fill("Aさん: 長男は昼間も在宅\nBさん: 孫が不登校")
    other.get_by_role("button", name="保存").click()
    expect(other.locator(".messages")).to_contain_text("保存しました")
    world.case.refresh_from_db()
    assert "Aさん" in world.case.summary and "Bさん" in world.case.summary
    other.context.close()


def test_a_note_is_written_with_a_template_phrase_and_ctrl_enter(page, live_server, world, alice):
    browser_login(page, live_server, "alice")
    page.goto(f"{live_server.url}/cases/{world.case.pk}/")
    page.get_by_role("button", name="自宅を訪問し、本人と面談。").click()
    body = page.get_by_label("内容")
    body.press_sequentially("孫の登校について話した。")
    body.press("Control+Enter")
    expect(page.locator(".messages")).to_contain_text("経過記録を追加しました")
    expect(page.locator(".timeline")).to_contain_text("自宅を訪問し、本人と面談。孫の登校について話した。")
    assert_accessible(page)
