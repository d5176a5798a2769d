"""Concurrent edits never silently overwrite: the second save shows both versions and loses neither."""

from tsunagu.cases.models import Case


def test_second_save_over_a_newer_version_shows_both(world, alice, client_for):
    first, second = client_for(alice), client_for(alice)
    url = f"/cases/{world.case.pk}/edit/"
    base = {"title": world.case.title, "status": "assessment", "lead_agency": world.case.lead_agency_id,
            "version": world.case.version}
    assert first.post(url, base | {"summary": "Aさんの記録: 長男は昼間も在宅"}).status_code == 302
    response = second.post(url, base | {"summary": "Bさんの記録: 孫が不登校"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "他の人が先に保存しました" in html and "Aさんの記録" in html and "Bさんの記録" in html
    case = Case.objects.get(pk=world.case.pk)
    assert case.summary == "Aさんの記録: 長男は昼間も在宅" and case.version == 2
    # she reviews both and saves deliberately over the version she has now seen
    response = second.post(url, base | {"summary": "Aさんの記録: 長男は昼間も在宅\nBさんの記録: 孫が不登校", "version": 2})
    assert response.status_code == 302
    case.refresh_from_db()
    assert "Aさん" in case.summary and "Bさん" in case.summary
    assert case.history.count() == 3  # created, A's version, the merged one: nothing lost


def test_person_conflict_and_note_correction_keep_history(world, alice, client_for):
    client = client_for(alice)
    url = f"/people/{world.son.pk}/edit/"
    data = {"name": "高橋 健一", "kana": "たかはし けんいち", "address": "旭町2-1", "version": 1}
    assert client.post(url, data).status_code == 302
    html = client.post(url, data | {"address": "旭町9-9"}).content.decode()
    assert "旭町2-1" in html and "旭町9-9" in html
    note_url = f"/cases/notes/{world.note.pk}/"
    assert client.post(note_url, {"body": "訂正後", "version": 1}).status_code == 302
    html = client.post(note_url, {"body": "別の訂正", "version": 1}).content.decode()
    assert "他の人が先に訂正を保存しました" in html and "訂正後" in html
    world.note.refresh_from_db()
    assert world.note.body == "訂正後"
    assert [h.body for h in world.note.history.order_by("history_date")][0].startswith("訪問。")


def test_api_patch_conflict_returns_409_with_the_current_version(world, alice, client_for):
    client = client_for(alice)
    url = f"/api/people/{world.son.pk}"
    ok = client.patch(url, {"name": "高橋 健一", "address": "A", "version": 1}, content_type="application/json")
    assert ok.status_code == 200 and ok.json()["version"] == 2
    conflict = client.patch(url, {"name": "高橋 健一", "address": "B", "version": 1}, content_type="application/json")
    assert conflict.status_code == 409 and conflict.json()["current"]["address"] == "A"
