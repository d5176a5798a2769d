"""A date typed in 和暦 goes through a real form and view (the trial observation) to the database as that date, and
is shown back in the user's style (core.dates)."""

from datetime import date

from tsunagu.workspace import services
from tsunagu.workspace.models import TrialObservation


def _observe(client, observed_on: str):
    return client.post("/workspace/trial/", {"observed_on": observed_on, "heard": "相談支援専門員",
                                             "event": "ゆっくりでもいいんだと思える", "effect": "安心感"})


def test_r8_2_3_is_stored_as_the_date_and_shown_back_in_wareki(client_for, planner):
    services.trial_codes_ensure_defaults()
    client = client_for(planner)
    assert _observe(client, "R8.2.3").status_code == 302
    observation = TrialObservation.objects.get()
    assert observation.observed_on == date(2026, 2, 3)
    assert ">R8.2.3</a>" in client.get("/workspace/trial/").content.decode()
    edit = client.get(f"/workspace/trial/{observation.pk}/").content.decode()
    assert 'value="R8.2.3"' in edit and 'inputmode="numeric"' in edit and 'type="date"' not in edit

    client.post("/account/date-style/", {"date_style": "seireki"})
    assert ">2026-02-03</a>" in client.get("/workspace/trial/").content.decode()


def test_the_long_form_the_current_era_and_iso_reach_the_same_date(client_for, planner):
    client = client_for(planner)
    for typed in ["令和8年2月3日", "8.2.3", "2026-02-03", "２０２６／２／３"]:
        assert _observe(client, typed).status_code == 302, typed
    assert set(TrialObservation.objects.values_list("observed_on", flat=True)) == {date(2026, 2, 3)}


def test_a_date_outside_its_era_is_refused_on_the_form_and_nothing_is_stored(client_for, planner):
    client = client_for(planner)
    page = _observe(client, "令和1年1月1日")
    assert page.status_code == 200
    assert "令和元年1月1日は令和の期間外です" in page.content.decode()
    assert 'value="令和1年1月1日"' in page.content.decode()  # what she typed, to correct
    assert "日付の形式が正しくありません。例: R8.2.3、令和8年2月3日、2026-02-03" in _observe(client, "2/3").content.decode()
    assert not TrialObservation.objects.exists()
