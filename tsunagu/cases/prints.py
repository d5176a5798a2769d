"""白紙の帳票: the national forms printed blank, as PDF, for a home visit — filled by hand at the kitchen table, typed in
afterwards. Each form's sections, items and labels are docs/NATIONAL_FORMS.md's (`rules.national_forms`), in order,
with the 国への報告事項 in bold frames as 東大阪市's sheet draws them.

A blank form names no one, so it reads nothing through the policy and writes no access log. It is printed with
取扱注意 all the same: once filled in at the visit it holds the person's data.
"""

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from tsunagu.agencies.actor import ActorRequest
from tsunagu.agencies.permissions import staff_required
from tsunagu.core.pdf import pdf_response, render_pdf
from tsunagu.rules.national_forms import NationalForm, form

# The forms that print blank, in the order the list shows them. 相談受付・申込票 in both versions: which applies is read
# from the consent records when the form is filled in Tsunagu; on paper the visitor takes the one that fits.
BLANK_FORMS = ["consultation_consented", "consultation_unconsented"]

# Items answered in sentences: a taller box.
TALL_ITEMS = {"wish", "situation", "consent_missing_reason", "background", "body", "actions", "issues"}
# Items whose label is a sentence to sign under (the 申込み): the label spans the row.
STATEMENT_MIN_LENGTH = 40


@require_GET
@staff_required
def blank_forms(request: ActorRequest) -> HttpResponse:
    return render(request, "cases/blank_forms.html", {"forms": [form(key) for key in BLANK_FORMS]})


@require_GET
@staff_required
def blank_form_pdf(request: ActorRequest, key: str) -> HttpResponse:
    if key not in BLANK_FORMS:
        raise Http404
    national_form = form(key)
    document = render_pdf(request, "cases/blank_form_pdf.html", {
        "form": national_form, "rows": _rows(national_form), "agency": request.actor.agency})
    return pdf_response(document, f"{key}.pdf")


def _rows(national_form: NationalForm) -> list[dict[str, object]]:
    """The form's sections with each item's box: its choices, a taller box for sentences, a statement row."""
    return [{"title": section.title, "items": [
        {"item": item, "tall": item.key in TALL_ITEMS, "statement": len(item.label) >= STATEMENT_MIN_LENGTH}
        for item in section.items]} for section in national_form.sections]
