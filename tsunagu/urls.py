from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path, re_path

from tsunagu.agencies import urls as agencies_urls
from tsunagu.core import languages
from tsunagu.core import views as core_views
from tsunagu.core.api import api

urlpatterns = [
    path("", core_views.dashboard, name="dashboard"),
    path("healthz", core_views.healthz, name="healthz"),  # for monitoring: no sign-in, no personal data
    # 住民の入口: the public pages live under their language (below); an address without one is redirected to the
    # visitor's (the language switch's cookie, else Accept-Language), and the switch remembers the choice.
    re_path(r"^(?P<rest>(?:help|resources/public)/.*)$", languages.redirect_to_language, name="public_root"),
    path("language/<str:code>/", languages.switch, name="public_language"),
    path("", include(agencies_urls.urlpatterns_root)),
    path("", include("tsunagu.agencies.urls")),
    path("api/", api.urls),
    path("audit/", include("tsunagu.audit.urls")),
    path("people/", include("tsunagu.people.urls")),
    # consent, emergency disclosure and the request for a 支援会議: sharing's screens at the person's and household's addresses
    path("people/", include("tsunagu.sharing.urls")),
    path("cases/forms/", include("tsunagu.cases.print_urls")),  # 白紙の帳票 (cases.prints)
    path("cases/", include("tsunagu.cases.urls")),
    path("meetings/", include("tsunagu.meetings.urls")),
    path("followups/", include("tsunagu.followups.urls")),
    path("ecomap/", include("tsunagu.ecomap.urls")),
    path("linkage/", include("tsunagu.linkage.urls")),
    path("resources/placements/", include("tsunagu.participation.urls")),  # 参加支援, where it was in the directory
    path("resources/", include("tsunagu.resources.urls")),
    path("hsds/", include("tsunagu.resources.hsds_urls")),
    path("workspace/", include("tsunagu.workspace.urls")),
    path("reports/", include("tsunagu.reports.urls")),
    path("inquiries/", include("tsunagu.inquiries.urls")),  # the queue of 相談の申込み (staff)
    *i18n_patterns(
        path("help/", include("tsunagu.inquiries.public_urls")),  # 相談の申込み (no sign-in)
        path("resources/public/", include("tsunagu.resources.public_urls")),
    ),
]

handler400 = "tsunagu.core.views.bad_request"
handler403 = "tsunagu.core.views.permission_denied"
handler404 = "tsunagu.core.views.page_not_found"
handler500 = "tsunagu.core.views.server_error"
