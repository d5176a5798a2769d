"""Done when (issue #18): the seed-shaped household fills every 国への報告事項 of docs/NATIONAL_FORMS.md. The household
of the seed (tsunagu.sharing.demo: four members, SEED_NEEDS' concerns each, the son's consent) comes in at the
intake, is assessed member by member, gets a plan marked for 就労支援 and its 評価; the test prints every form that
holds 国への報告事項 and finds, for each item the file marks ○ (read through rules.national_forms, so the test follows
the file), a filled value in the PDF's text after its 【国】 label. The 支援状況調査 is counted, not filled: its
items are checked against hand-computed values in tests/reports."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.pdf import pdf_text
from tests.sharing.world import actor
from tsunagu.cases import services
from tsunagu.cases.models import SupportPlan
from tsunagu.rules.national_forms import NationalForm, national_forms
from tsunagu.sharing.demo import SEED_NEEDS

pytestmark = pytest.mark.django_db

COUNTED_NOT_FILLED = {"support_status_survey"}  # figures, tests/reports/test_survey*.py
WAREKI = re.compile(r"(令和|平成|R|H)\d+[年.]")


def _seed(world, alice):
    a = actor(alice)
    by_relation = {"": world.father, "wife": world.mother, "child": world.son, "grandchild": world.grandson}
    consultation = services.consultation_record(
        actor=a, route="visit_in", consulter="family", consulter_name="妻", household=world.household,
        main_complaint="夫の物忘れが進み、息子は失業、孫は学校に行っていない", urgency="high", outcome="referral",
        member_concerns={by_relation[rel]: needs for rel, needs in SEED_NEEDS.items()}, referred_to_welfare=True,
        received_on=timezone.localdate() - timedelta(days=20))
    consultation.case = world.case  # the intake that opened the household's case
    consultation.save(update_fields=["case"])
    consultation.person_concerns.update(case=world.case)
    for person, screening in ((world.son, "continue"), (world.grandson, "referral")):
        services.assessment_record(actor=a, case=world.case, person=person, areas={"work": "求職中"},
                                   screening=screening, employment_support=person == world.son)
    SupportPlan.objects.filter(pk=world.plan.pk).update(employment_support=True)
    services.plan_review_record(actor=a, plan=world.plan, reviewed_on=timezone.localdate(), employed=True,
                                income_increased=False, improved=True)
    return consultation


def _values(text: str, national_form: NationalForm) -> dict[str, str]:
    """What the PDF prints after each 【国】 label, up to the next item's label: the labels are found in the form's
    order, each after the previous one (「就労」 is not the start of 「就労支援の対象」)."""
    flat = re.sub(r"\s+", "", text)
    found: list[tuple[str, int, int]] = []  # item key, where its label starts, where it ends
    at = 0
    for item in national_form.items:
        label = ("【国】" if item.reported else "") + re.sub(r"\s+", "", item.label)
        where = flat.find(label, at)
        assert where >= 0, f"{national_form.key}.{item.key}: {label} not printed after what precedes it"
        found.append((item.key, where, where + len(label)))
        at = where + len(label)
    ends = [start for _, start, _ in found[1:]] + [flat.find("印刷", at) if "印刷" in flat[at:] else len(flat)]
    return {key: flat[label_end:next_start] for (key, _, label_end), next_start in zip(found, ends, strict=True)}


def _filled(national_form: NationalForm, key: str, value: str) -> bool:
    item = national_form.item(key)
    if item.choices:  # a choice ticked (■) or marked first (◎)
        return any(mark + re.sub(r"\s+", "", choice) in value for mark in "■◎" for choice in item.choices)
    return bool(value)


def test_the_seed_household_fills_every_reported_item(world, alice, client_for):
    consultation = _seed(world, alice)
    client = client_for(alice)
    members = (world.father, world.mother, world.son, world.grandson)
    printed: dict[str, list[str]] = {}
    text = pdf_text(client.get(f"/cases/consultations/{consultation.pk}/print.pdf").content)
    printed["consultation_consented" if "【本人同意あり】" in text else "consultation_unconsented"] = [text]
    printed["intake_assessment"] = [pdf_text(client.get(f"/cases/{world.case.pk}/members/{m.pk}/assessment.pdf").content)
                                    for m in members]
    printed["plan_application"] = [pdf_text(client.get(f"/cases/plans/{world.plan.pk}/print.pdf").content)]

    forms = national_forms().forms
    reported = {key for key, f in forms.items() if f.reported_items} - COUNTED_NOT_FILLED
    version = "consultation_consented" if "consultation_consented" in printed else "consultation_unconsented"
    other = ({"consultation_consented", "consultation_unconsented"} - {version}).pop()
    # the two versions of the 申込票 report the same items: the one the consent records chose stands for both
    assert [i.key for i in forms[other].reported_items] == [i.key for i in forms[version].reported_items]
    assert reported - {other} == set(printed) | {"case_list"}, "a form with 国への報告事項 this test does not print"

    missing = []
    for key, texts in printed.items():
        for one in texts:
            for item in forms[key].reported_items:
                if not _filled(forms[key], item.key, _values(one, forms[key])[item.key]):
                    missing.append(f"{key}.{item.key}")
    assert missing == []
    assert "生活保護窓口" in printed[version][0]  # つなぎ先 as recorded

    # 支援ケース一覧: the household's line carries its 受付日 and プラン作成日, both 国への報告事項
    case_list = forms["case_list"]
    text = pdf_text(client.get("/cases/case-list.pdf").content)
    line = re.sub(r"\s+", "", text).split("【国】")[-1]  # after the last reported column's label: the rows
    row = line[line.find(f"{world.case.pk}高橋さん世帯"):line.find(f"{world.son_case.pk}高橋健一")]
    columns = [item.key for item in case_list.items]
    dates = WAREKI.findall(row)
    assert columns.index("received_on") < columns.index("planned_on") and len(dates) >= 2, row
