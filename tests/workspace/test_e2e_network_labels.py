"""The グランドデザイン network in chromium: long agency names are wrapped and laid out so that no two node labels
overlap (the labels' boxes as cytoscape renders them)."""

import pytest

from tests import factories
from tests.conftest import assert_accessible, browser_login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

LONG_NAMES = ["さくら野町ケアマネジャー連絡協議会", "さくら野町障がい者総合相談支援センター", "さくら野町子ども発達支援センター",
              "さくら野町地域子育て支援拠点どんぐり", "生活就労サポートセンターみなみ野", "さくら野町地域包括支援センター",
              "さくら野町役場福祉課高齢者支援係", "さくら野町役場こども未来課子育てサポート係"]

OVERLAPS = """() => {
    const cy = document.getElementById("network")._cyreg.cy;
    const boxes = cy.nodes().map((n) => ({name: n.data("name") || n.data("label"),
                                          box: n.renderedBoundingBox({includeLabels: true, includeOverlays: false})}));
    const hit = [];
    boxes.forEach((a, i) => boxes.slice(i + 1).forEach((b) => {
        if (a.box.x1 < b.box.x2 && b.box.x1 < a.box.x2 && a.box.y1 < b.box.y2 && b.box.y1 < a.box.y2) hit.push([a.name, b.name]);
    }));
    return {count: boxes.length, hit: hit};
}"""


def test_the_network_labels_do_not_overlap(page, live_server, planner):
    for name in LONG_NAMES:
        factories.agency(name)
    factories.agency("NPO法人ふれあいスポーツさくら野", kind="npo", fields=["community"])
    factories.agency("共生型地域福祉拠点ひだまりガーデン", kind="hub", fields=["community"])
    browser_login(page, live_server, "planner")
    page.goto(f"{live_server.url}/workspace/design/network/")
    page.locator("#network[data-ready]").wait_for(state="attached")
    result = page.evaluate(OVERLAPS)
    assert result["count"] >= len(LONG_NAMES) + 2
    assert result["hit"] == []
    assert_accessible(page)
