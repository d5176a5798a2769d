"""The 制度の狭間 list, section by section: why a row is there, what takes it off, the counts past the rows shown,
and what the coordinator may read (a name only with a basis; every value escaped)."""

from datetime import timedelta

from django.utils import timezone

from tests.sharing.world import actor
from tsunagu.cases import services as cases
from tsunagu.cases.models import Consulter, Outcome, ReferralStatus, Route
from tsunagu.followups import queries, services
from tsunagu.people import services as people
from tsunagu.sharing import policy
from tsunagu.sharing.services import consent_record

TODAY = timezone.localdate


def _sections(staff, today=None) -> dict:
    return {s.kind: s for s in queries.gap_sections(actor(staff), today)}


def _multi_issue_household(a, name="佐藤さん世帯"):
    person = people.person_create(actor=a, name="佐藤 一郎", kana="さとう いちろう")
    household = people.household_create(actor=a, name=name, members=[(person, "", True)])
    people.household_mark_multi_issue(household=household, fields=["elderly", "poverty"])
    return household


def test_a_multi_issue_household_without_a_case_is_listed_until_an_agency_opens_one(alice, coordinator):
    a = actor(alice)
    household = _multi_issue_household(a)
    rows = _sections(coordinator)["no_lead"].rows
    assert len(rows) == 1 and "高齢・介護・生活困窮" in rows[0].reason and "主担当機関になる" in rows[0].remedy
    # the coordinator has no basis for alice's household: the agency is named, the household is not
    assert household.name not in rows[0].subject and alice.memberships.get().agency.name in rows[0].subject
    assert rows[0].url == ""
    cases.case_open(actor=a, household=household, title="佐藤さん世帯の支援")
    assert _sections(coordinator)["no_lead"].total == 0


def test_a_household_whose_consultations_ended_at_information_only_has_its_own_section(alice, coordinator):
    a = actor(alice)
    household = _multi_issue_household(a)
    received = TODAY() - timedelta(days=20)
    cases.consultation_record(actor=a, route=Route.PHONE, consulter=Consulter.FAMILY, main_complaint="介護の相談",
                              household=household, received_on=received, outcome=Outcome.INFO_ONLY)
    sections = _sections(coordinator)
    assert sections["no_lead"].total == 0 and sections["info_only"].total == 1
    assert sections["info_only"].rows[0].since == received
    # a year later the information-only consultation no longer counts: the household is back among "no lead"
    later = _sections(coordinator, TODAY() + timedelta(days=400))
    assert later["info_only"].total == 0 and later["no_lead"].total == 1


def test_a_case_whose_referrals_were_all_declined_is_listed_until_one_is_live(world, alice, bob, coordinator):
    cases.referral_respond(actor=actor(bob), referral=world.referral, status=ReferralStatus.DECLINED,
                           expected_version=world.referral.version, comment="対象外のため")
    rows = _sections(coordinator)["declined"].rows
    assert len(rows) == 1 and "つなぎ 1 件がすべて辞退され" in rows[0].reason and rows[0].since == TODAY()
    assert world.son_case.label not in rows[0].subject  # no basis for the coordinator
    partner = bob.memberships.get().agency
    cases.referral_send(actor=actor(alice), case=world.son_case, person=world.son, to_agency=partner, reason="再度の依頼",
                        request="就労支援", due_on=TODAY() + timedelta(days=7),
                        receiver_access=policy.agency_may_see(partner, world.son))
    assert _sections(coordinator)["declined"].total == 0


def test_a_referral_past_its_due_date_is_listed_until_answered(world, bob, coordinator):
    assert _sections(coordinator)["unanswered"].total == 0
    after_due = TODAY() + timedelta(days=8)
    rows = _sections(coordinator, after_due)["unanswered"].rows
    assert len(rows) == 1 and bob.memberships.get().agency.name in rows[0].agency
    assert rows[0].since == world.referral.due_on and "から回答がない" in rows[0].reason
    cases.referral_respond(actor=actor(bob), referral=world.referral, status=ReferralStatus.ACCEPTED,
                           expected_version=world.referral.version)
    assert _sections(coordinator, after_due)["unanswered"].total == 0


def test_overdue_followups_are_one_row_per_case_with_the_oldest_date(world, alice, coordinator):
    start = TODAY() - timedelta(days=70)
    services.schedule_create(actor=actor(alice), case=world.son_case, starts_on=start, occurrences=6)
    rows = _sections(coordinator)["followups"].rows
    assert len(rows) == 1 and rows[0].since == start
    assert "フォローアップ 3 件が予定日を過ぎても" in rows[0].reason


def test_outreach_without_a_visit_for_thirty_days_is_listed_until_visited(alice, coordinator):
    a = actor(alice)
    outreach = services.outreach_record(actor=a, target="旭町の一人暮らしの男性", signs="新聞がたまっている",
                                        noticed_by="neighbour", noticed_on=TODAY() - timedelta(days=45))
    rows = _sections(coordinator)["outreach"].rows
    assert len(rows) == 1 and rows[0].reason.startswith("近隣住民からの気づき")
    services.outreach_visit_add(actor=a, outreach=outreach, note="不在。手紙を置いた")
    assert _sections(coordinator)["outreach"].total == 0


def test_a_section_counts_all_its_rows_and_shows_the_first(world, alice, coordinator, client_for, monkeypatch):
    a = actor(alice)
    services.schedule_create(actor=a, case=world.son_case, starts_on=TODAY() - timedelta(days=70), occurrences=3)
    services.schedule_create(actor=a, case=world.case, starts_on=TODAY() - timedelta(days=10), occurrences=1)
    monkeypatch.setattr(queries, "GAP_PREVIEW", 1)
    section = _sections(coordinator)["followups"]
    assert section.total == 2 and len(section.rows) == 1
    assert section.rows[0].since == TODAY() - timedelta(days=70)  # the oldest first
    page = client_for(coordinator).get("/followups/gaps/").content.decode()
    assert "期限を過ぎたフォローアップ（2件・古い順に1件を表示）" in page
    assert 'href="/followups/gaps/followups/"' in page and "期限を過ぎたフォローアップをすべて見る（2件）" in page


def test_a_kinds_own_list_pages_through_all_its_rows_oldest_first(world, alice, coordinator, client_for, monkeypatch):
    from tsunagu.audit.models import AccessLog

    a = actor(alice)
    services.schedule_create(actor=a, case=world.son_case, starts_on=TODAY() - timedelta(days=70), occurrences=3)
    services.schedule_create(actor=a, case=world.case, starts_on=TODAY() - timedelta(days=10), occurrences=1)
    consent_record(actor=a, person=world.son, agencies=[coordinator.memberships.get().agency])  # a basis for the name
    monkeypatch.setattr(queries, "GAP_PAGE", 1)
    client = client_for(coordinator)
    first = client.get("/followups/gaps/followups/").content.decode()
    second = client.get("/followups/gaps/followups/?page=2").content.decode()
    assert "期限を過ぎたフォローアップ（2件）" in first and "1 / 2 ページ（全 2 件）" in first
    assert world.son_case.label in first and world.case.label not in first  # the oldest first
    assert world.son_case.label not in second and "古い順" in second
    assert "2 / 2 ページ" in second
    assert "2 / 2 ページ" in client.get("/followups/gaps/followups/?page=9").content.decode()  # past the end: the last
    assert "1 / 2 ページ" in client.get("/followups/gaps/followups/?page=x").content.decode()
    assert AccessLog.objects.filter(staff=coordinator, object_type="cases.case", object_id=str(world.son_case.pk),
                                    action="list", path="/followups/gaps/followups/").exists()


def test_a_kinds_list_is_the_coordinators_only_and_knows_its_kinds(alice, coordinator, client_for):
    assert client_for(coordinator).get("/followups/gaps/nothing/").status_code == 404
    assert client_for(alice).get("/followups/gaps/followups/").status_code == 404
    for kind in queries.GAP_KINDS:
        assert client_for(coordinator).get(f"/followups/gaps/{kind}/").status_code == 200


def test_names_the_coordinator_may_read_are_linked_escaped_and_logged(coordinator, client_for):
    from tsunagu.audit.models import AccessLog

    household = _multi_issue_household(actor(coordinator), name="<b>山田</b>さん世帯")
    page = client_for(coordinator).get("/followups/gaps/").content.decode()
    assert "&lt;b&gt;山田&lt;/b&gt;さん世帯" in page and "<b>山田</b>" not in page
    assert f'href="/people/households/{household.pk}/"' in page
    assert AccessLog.objects.filter(staff=coordinator, object_type="people.household", object_id=str(household.pk),
                                    action="list", path="/followups/gaps/").exists()


def test_the_coordinators_badge_adds_overdue_cases_unanswered_referrals_and_quiet_outreach(world, alice, coordinator,
                                                                                           client_for):
    a = actor(alice)
    assert queries.gap_total() == 0
    services.schedule_create(actor=a, case=world.son_case, starts_on=TODAY() - timedelta(days=70), occurrences=3)
    services.schedule_create(actor=a, case=world.case, starts_on=TODAY() - timedelta(days=5), occurrences=1)
    services.outreach_record(actor=a, target="気がかりな人", signs="雨戸が閉まったまま", noticed_by="volunteer",
                             noticed_on=TODAY() - timedelta(days=40))
    assert queries.gap_total() == 3  # two cases with overdue follow-ups (not four follow-ups), one quiet outreach
    assert queries.gap_total(TODAY() + timedelta(days=8)) == 4  # + the referral past its due date
    page = client_for(coordinator).get("/").content.decode()
    assert "対応が途切れているもの: <strong>3</strong> 件" in page


def test_the_info_only_kind_says_it_lists_the_latest_first(coordinator, client_for):
    page = client_for(coordinator).get("/followups/gaps/info_only/").content.decode()
    assert "最後の相談が新しい順に表示します" in page and "古い順に表示します" not in page


def test_a_voided_consultation_does_not_make_a_household_info_only(alice, coordinator):
    a = actor(alice)
    household = _multi_issue_household(a)
    consultation = cases.consultation_record(actor=a, route=Route.PHONE, consulter=Consulter.SELF,
                                             main_complaint="間違えて記録した", household=household,
                                             outcome=Outcome.INFO_ONLY)
    assert [r.subject for r in _sections(coordinator)["info_only"].rows]
    cases.consultation_void(actor=a, consultation=consultation, reason="別の世帯と取り違えた")
    assert not _sections(coordinator)["info_only"].rows
    assert _sections(coordinator)["no_lead"].rows  # still a multi-issue household no agency supports
