from django.urls import include, path

from tsunagu.agencies import urls as agencies_urls
from tsunagu.core import views as core_views
from tsunagu.core.api import api

urlpatterns = [
    path("", core_views.dashboard, name="dashboard"),
    path("healthz", core_views.healthz, name="healthz"),  # for monitoring: no sign-in, no personal data
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
]

handler400 = "tsunagu.core.views.bad_request"
handler403 = "tsunagu.core.views.permission_denied"
handler404 = "tsunagu.core.views.page_not_found"
handler500 = "tsunagu.core.views.server_error"
