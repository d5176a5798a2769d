"""A household edit states its version: a stale one shows both versions and overwrites nothing."""

from tsunagu.people.models import Household


def test_a_stale_household_edit_shows_both_versions(world, alice, client_for):
    first, second = client_for(alice), client_for(alice)
    url = f"/people/households/{world.household.pk}/edit/"
    assert first.post(url, {"name": "高橋さん世帯", "address": "旭町2-1", "version": 1}).status_code == 302
    response = second.post(url, {"name": "高橋さん世帯", "address": "旭町9-9", "version": 1})
    html = response.content.decode()
    assert response.status_code == 200 and "旭町2-1" in html and "旭町9-9" in html
    assert Household.objects.get(pk=world.household.pk).address == "旭町2-1"
