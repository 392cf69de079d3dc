"""The A3 summary of a publication (current state → target state → causes → actions →
follow-up → results): a page with its form, and one printable PDF page (WeasyPrint)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.text import slugify

from insyn.core.forms import add_service_errors
from insyn.core.roles import Action
from insyn.core.scoping import path_in_scope
from insyn.indicators.forms.oj import SummaryForm
from insyn.indicators.models import OjPublication
from insyn.indicators.selectors import oj as selectors
from insyn.indicators.services import oj as services
from insyn.indicators.views.oj import OjView, conflict_status


def a3_context(publication: OjPublication) -> dict[str, Any]:
    return {
        "publication": publication,
        "boxes": selectors.a3_boxes(publication),
        "flow": selectors.steps(publication),
        "matrix": [row for row in selectors.matrix(publication) if row.priority],
        "created_on": timezone.localdate(),
    }


def render_a3_pdf(publication: OjPublication) -> bytes:
    """The A3 as one landscape A3 page (the text is cut to fit rather than spill over)."""
    from weasyprint import HTML

    html = render_to_string("indicators/oj/a3_pdf.html", a3_context(publication))
    return bytes(HTML(string=html).write_pdf())


class A3View(OjView):
    template_name = "indicators/oj/a3.html"

    def page(self, publication: OjPublication, form: Any, status: int = 200) -> HttpResponse:
        editable = path_in_scope(
            self.request.user, Action.HANDLE_QUALITY, publication.unit.path
        ) and services.may_change(publication, "summary")
        ctx = a3_context(publication)
        ctx["form"] = form if editable else None
        return render(self.request, self.template_name, ctx, status=status)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        publication = self.publication(pk)
        initial = {name: getattr(publication, name) for name in SummaryForm.base_fields}
        initial["version"] = publication.version
        return self.page(publication, SummaryForm(initial=initial))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        publication = self.publication(pk)
        if not path_in_scope(request.user, Action.HANDLE_QUALITY, publication.unit.path):
            from django.http import Http404

            raise Http404
        form = SummaryForm(request.POST)
        status = 400
        if form.is_valid():
            try:
                services.publication_update(
                    actor=request.user,
                    publication=publication,
                    expected_version=form.cleaned_data["version"],
                    **form.data_without_version(),
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
                status = conflict_status(exc)
                publication.refresh_from_db()
            else:
                return HttpResponseRedirect(reverse("indicators:oj_a3", args=[pk]))
        return self.page(publication, form, status)


class A3PdfView(OjView):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        publication = self.publication(pk)
        response = HttpResponse(render_a3_pdf(publication), content_type="application/pdf")
        name = slugify(publication.title) or "oj"
        response["Content-Disposition"] = f'attachment; filename="a3-{name}.pdf"'
        return response


urlpatterns: list[URLPattern] = [
    path("oj/<int:pk>/a3/", A3View.as_view(), name="oj_a3"),
    path("oj/<int:pk>/a3.pdf", A3PdfView.as_view(), name="oj_a3_pdf"),
]
