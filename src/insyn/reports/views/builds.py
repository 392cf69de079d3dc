"""Report files built in the background from the report's page: start a build (the quality
lead, on a draft), follow its progress (a fragment htmx refreshes while the build runs, as on
the import page) and download the file (anyone who may read the report; others get 404)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import URLPattern, path, reverse

from insyn.reports import selectors
from insyn.reports.models import ReportBuild
from insyn.reports.renderers import CONTENT_TYPES, report_filename
from insyn.reports.services import builds as services
from insyn.reports.views.reports import ReportsView

POLL_SECONDS = 2


class BuildMixin(ReportsView):
    def build(self, pk: int, build_id: int, *, with_content: bool = False) -> ReportBuild:
        try:
            return selectors.build_for(
                self.request.user,  # type: ignore[arg-type]
                pk,
                build_id,
                with_content=with_content,
            )
        except ReportBuild.DoesNotExist:
            raise Http404 from None


class BuildStartView(ReportsView):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        report = self.report(pk)
        if not self.may_write(report) or report.is_frozen:
            raise Http404
        try:
            build = services.request_build(
                actor=request.user,  # type: ignore[arg-type]
                report=report,
                fmt=request.POST.get("format", ""),
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return HttpResponseRedirect(reverse("reports:detail", args=[report.pk]))
        return HttpResponseRedirect(
            reverse("reports:detail", args=[report.pk]) + f"#build-{build.pk}"
        )


class BuildStateView(BuildMixin):
    """The build's state as a fragment (htmx asks every few seconds while it runs)."""

    def get(self, request: HttpRequest, pk: int, build_id: int) -> HttpResponse:
        build = self.build(pk, build_id)
        if request.headers.get("HX-Request") != "true":
            return HttpResponseRedirect(reverse("reports:detail", args=[pk]) + f"#build-{build.pk}")
        return render(
            request,
            "reports/_build_state.html",
            {"build": build, "report": build.report, "poll_seconds": POLL_SECONDS},
        )


class BuildFileView(BuildMixin):
    def get(self, request: HttpRequest, pk: int, build_id: int) -> HttpResponse:
        build = self.build(pk, build_id, with_content=True)
        if build.state != ReportBuild.State.DONE or build.content is None:
            raise Http404
        return file_response(build)


def file_response(build: ReportBuild) -> HttpResponse:
    """The built file with its content type and the report's file name."""
    response = HttpResponse(bytes(build.content or b""), content_type=CONTENT_TYPES[build.format])
    disposition = "inline" if build.format == "html" else "attachment"
    name = report_filename(build.report, build.format)
    response["Content-Disposition"] = f'{disposition}; filename="{name}"'
    return response


urlpatterns: list[URLPattern] = [
    path("<int:pk>/builds/", BuildStartView.as_view(), name="build_start"),
    path("<int:pk>/builds/<int:build_id>/", BuildStateView.as_view(), name="build"),
    path("<int:pk>/builds/<int:build_id>/file", BuildFileView.as_view(), name="build_file"),
]
