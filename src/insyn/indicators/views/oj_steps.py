"""The step forms of a publication (POST, back to its page): the data check, the reception,
a result, a quick analysis, a proposal and its decision; the prioritisation matrix and a deep
analysis have pages of their own. A form sent back keeps the input and says what was wrong
(400), or that someone else saved first (409)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import URLPattern, path, reverse

from insyn.core.forms import add_service_errors
from insyn.core.roles import Action
from insyn.indicators.forms.oj import (
    DataCheckForm,
    DecideForm,
    DeepAnalysisForm,
    MatrixRowForm,
    ProposalForm,
    QuickAnalysisForm,
    ReceptionForm,
    ResultForm,
)
from insyn.indicators.models import OjPublication, OjResult
from insyn.indicators.selectors import oj as selectors
from insyn.indicators.services import oj as services
from insyn.indicators.services import oj_steps as steps
from insyn.indicators.views.oj import OjView, _named, conflict_status, detail_context, people


class FormStepView(OjView):
    """Base: build the form, call the service, back to the page (or the page with the form)."""

    required_action = Action.HANDLE_QUALITY
    key = ""
    anchor = ""

    def form(self, publication: OjPublication, data: Any) -> Form:
        raise NotImplementedError

    def write(self, publication: OjPublication, form: Any) -> None:
        raise NotImplementedError

    def post(self, request: HttpRequest, pk: int, **kwargs: Any) -> HttpResponse:
        publication = self.handled(pk)
        self.kwargs.update(kwargs)
        form = self.form(publication, request.POST)
        status = 400
        if form.is_valid():
            try:
                self.write(publication, form)
            except ValidationError as exc:
                add_service_errors(form, exc)
                status = conflict_status(exc)
                publication.refresh_from_db()
            else:
                url = reverse("indicators:oj_detail", args=[publication.pk])
                return HttpResponseRedirect(f"{url}#{self.anchor}")
        return render(
            request,
            "indicators/oj/detail.html",
            detail_context(request, publication, {self.key: form}),
            status=status,
        )


class DataCheckView(FormStepView):
    key = anchor = "data_check"

    def form(self, publication: OjPublication, data: Any) -> Form:
        return DataCheckForm(data)

    def write(self, publication: OjPublication, form: Any) -> None:
        d = form.data_without_version()
        steps.data_check_add(
            actor=self.request.user,
            publication=publication,
            expected_version=form.cleaned_data["version"],
            **d,
        )


class ReceptionView(FormStepView):
    key = anchor = "reception"

    def form(self, publication: OjPublication, data: Any) -> Form:
        return ReceptionForm(data)

    def write(self, publication: OjPublication, form: Any) -> None:
        services.publication_update(
            actor=self.request.user,
            publication=publication,
            expected_version=form.cleaned_data["version"],
            **form.data_without_version(),
        )


class ResultView(FormStepView):
    key = "result"
    anchor = "results"

    def form(self, publication: OjPublication, data: Any) -> Form:
        return ResultForm(data)

    def write(self, publication: OjPublication, form: Any) -> None:
        steps.result_add(
            actor=self.request.user,
            publication=publication,
            expected_version=form.cleaned_data["version"],
            **form.data_without_version(),
        )


def _result(publication: OjPublication, rid: int) -> OjResult:
    result = publication.results.filter(pk=rid).first()
    if result is None:
        raise Http404
    return result


class QuickAnalysisView(FormStepView):
    anchor = "results"

    def form(self, publication: OjPublication, data: Any) -> Form:
        rid = self.kwargs["rid"]
        self.key = f"quick-{rid}"
        _result(publication, rid)
        return QuickAnalysisForm(data, prefix=self.key)

    def write(self, publication: OjPublication, form: Any) -> None:
        steps.quick_analysis_save(
            actor=self.request.user,
            result=_result(publication, self.kwargs["rid"]),
            expected_version=form.cleaned_data["version"],
            **form.data_without_version(),
        )


class ProposalView(FormStepView):
    key = "proposal"
    anchor = "proposals"

    def form(self, publication: OjPublication, data: Any) -> Form:
        return ProposalForm(data, publication=publication)

    def write(self, publication: OjPublication, form: Any) -> None:
        steps.proposal_add(
            actor=self.request.user,
            publication=publication,
            expected_version=form.cleaned_data["version"],
            **form.data_without_version(),
        )


class DecideView(FormStepView):
    anchor = "proposals"

    def form(self, publication: OjPublication, data: Any) -> Form:
        ppk = self.kwargs["ppk"]
        if not publication.proposals.filter(pk=ppk).exists():
            raise Http404
        self.key = f"decide-{ppk}"
        form = DecideForm(data, people=people(publication), prefix=self.key)
        _named(form.fields["owner"])
        return form

    def write(self, publication: OjPublication, form: Any) -> None:
        steps.proposal_decide(
            actor=self.request.user,
            proposal=publication.proposals.get(pk=self.kwargs["ppk"]),
            expected_version=form.cleaned_data["version"],
            owner=form.cleaned_data["owner"],
            goal=form.cleaned_data["goal"],
        )


class MatrixView(OjView):
    """The prioritisation matrix as one editable table, ordered by priority."""

    template_name = "indicators/oj/matrix.html"

    def rows(self, publication: OjPublication, data: Any = None) -> list[tuple[Any, Form]]:
        rows: list[tuple[Any, Form]] = []
        for row in selectors.matrix(publication):
            form = MatrixRowForm(
                data,
                prefix=f"row-{row.pk}",
                initial={name: getattr(row, name) for name in steps.MATRIX_FIELDS},
            )
            title = row.result.indicator.title
            for field in form.fields.values():
                field.widget.attrs["aria-label"] = f"{field.label}: {title}"
            rows.append((row, form))
        return rows

    def editable(self, publication: OjPublication) -> bool:
        from insyn.core.scoping import path_in_scope

        return path_in_scope(
            self.request.user, Action.HANDLE_QUALITY, publication.unit.path
        ) and services.may_change(publication, "matrix")

    def page(
        self, publication: OjPublication, rows: Any, errors: list[str], status: int = 200
    ) -> HttpResponse:
        return render(
            self.request,
            self.template_name,
            {
                "publication": publication,
                "rows": rows,
                "editable": self.editable(publication),
                "errors": errors,
            },
            status=status,
        )

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        publication = self.publication(pk)
        return self.page(publication, self.rows(publication), [])

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        publication = self.handled(pk)
        rows = self.rows(publication, request.POST)
        errors: list[str] = []
        if all(form.is_valid() for _row, form in rows):
            try:
                version = int(request.POST.get("version", ""))
            except ValueError:
                version = None
            try:
                steps.matrix_save(
                    actor=request.user,
                    publication=publication,
                    expected_version=version,
                    rows={row.pk: form.cleaned_data for row, form in rows},
                )
            except ValidationError as exc:
                publication.refresh_from_db()
                return self.page(publication, rows, exc.messages, conflict_status(exc))
            return HttpResponseRedirect(reverse("indicators:oj_matrix", args=[pk]))
        return self.page(publication, rows, errors, 400)


class DeepAnalysisView(OjView):
    template_name = "indicators/oj/deep.html"

    def get(self, request: HttpRequest, pk: int, rid: int) -> HttpResponse:
        publication = self.handled(pk)
        result = _result(publication, rid)
        deep = getattr(result, "deep", None)
        initial: dict[str, Any] = {"version": publication.version}
        if deep is not None:
            initial.update(
                {
                    name: getattr(deep, name)
                    for name in DeepAnalysisForm.base_fields
                    if name != "version"
                }
            )
        return self.page(publication, result, DeepAnalysisForm(initial=initial))

    def page(
        self, publication: OjPublication, result: OjResult, form: Form, status: int = 200
    ) -> HttpResponse:
        return render(
            self.request,
            self.template_name,
            {"publication": publication, "result": result, "form": form},
            status=status,
        )

    def post(self, request: HttpRequest, pk: int, rid: int) -> HttpResponse:
        publication = self.handled(pk)
        result = _result(publication, rid)
        form = DeepAnalysisForm(request.POST)
        status = 400
        if form.is_valid():
            d = {k: v for k, v in form.cleaned_data.items() if k != "version"}
            try:
                steps.deep_analysis_save(
                    actor=request.user,
                    result=result,
                    expected_version=form.cleaned_data["version"],
                    **d,
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
                status = conflict_status(exc)
                publication.refresh_from_db()
            else:
                url = reverse("indicators:oj_detail", args=[pk])
                return HttpResponseRedirect(f"{url}#deep")
        return self.page(publication, result, form, status)


urlpatterns: list[URLPattern] = [
    path("oj/<int:pk>/data-check/", DataCheckView.as_view(), name="oj_data_check"),
    path("oj/<int:pk>/reception/", ReceptionView.as_view(), name="oj_reception"),
    path("oj/<int:pk>/results/", ResultView.as_view(), name="oj_result"),
    path("oj/<int:pk>/results/<int:rid>/quick/", QuickAnalysisView.as_view(), name="oj_quick"),
    path("oj/<int:pk>/results/<int:rid>/deep/", DeepAnalysisView.as_view(), name="oj_deep"),
    path("oj/<int:pk>/matrix/", MatrixView.as_view(), name="oj_matrix"),
    path("oj/<int:pk>/proposals/", ProposalView.as_view(), name="oj_proposal"),
    path("oj/<int:pk>/proposals/<int:ppk>/decide/", DecideView.as_view(), name="oj_decide"),
]
