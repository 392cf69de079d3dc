from csp.decorators import csp_update
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularSwaggerSplitView

from insyn.accounts.forms import AdminLoginForm
from insyn.core.api import not_found
from insyn.core.viewmixins import declare

SpectacularSwaggerSplitView.personal_data = False  # type: ignore[attr-defined]
admin.site.site_header = "insyn – system administration"
admin.site.login_form = AdminLoginForm  # local passwords may be off (docs/sso.md)

# The product's error pages for the web, JSON for /api/ (insyn.core.errors).
handler400 = "insyn.core.errors.bad_request"
handler403 = "insyn.core.errors.permission_denied"
handler404 = "insyn.core.errors.page_not_found"
handler500 = "insyn.core.errors.server_error"

urlpatterns = [
    path("", include("insyn.core.urls")),
    path("accounts/", include("insyn.accounts.urls")),
    path("organisation/", include("insyn.organisations.urls")),
    path("clients/", include("insyn.clients.urls")),
    path("followup/", include("insyn.followup.urls")),
    path("surveys/", include("insyn.surveys.urls")),
    path("analysis/", include("insyn.analytics.urls")),
    path("import/", include("insyn.imports.urls")),
    path("quality/", include("insyn.quality.urls")),
    path("feedback/", include("insyn.quality.public_urls")),
    path("indicators/", include("insyn.indicators.urls")),
    path("reports/", include("insyn.reports.urls")),
    path("public/reports/", include("insyn.reports.public_urls")),
    path("access-report/", include("insyn.access_reports.urls")),
    path("retention/", include("insyn.retention.urls")),
    path("api/", include("insyn.api_urls")),
    # Swagger UI sets a few inline styles; scripts stay 'self' only, on this page too.
    path(
        "api/docs/",
        csp_update({"style-src": ["'unsafe-inline'"]})(
            SpectacularSwaggerSplitView.as_view(url_name="schema")
        ),
        name="api-docs",
    ),
    # Any other /api/ address answers a JSON 404 (an id that is not a number, a typo), not the
    # web's HTML page.
    re_path(r"^api/", not_found, name="api-not-found"),
    path("i18n/setlang/", declare(personal_data=False)(set_language), name="set_language"),
    path("system/", admin.site.urls),
]
