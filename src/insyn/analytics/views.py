"""The Analys page, its chart images and downloads, and favourites. Thin: parse, call
`aggregate()` (which suppresses), render."""

from __future__ import annotations

from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from insyn.analytics import charts, exports, presentation, selectors, services
from insyn.analytics.aggregate import AnalysisError, AnalysisResult, Scope, aggregate
from insyn.analytics.forms import AnalysisForm, SavedAnalysisForm
from insyn.analytics.models import SavedAnalysis
from insyn.analytics.params import request_from_params
from insyn.analytics.specs import SpecError, load_spec
from insyn.core import exports as files
from insyn.core.roles import Action
from insyn.core.viewmixins import InsynView

LIST_FIELDS = ("variable", "unit", "version")


def form_query(params: dict[str, Any]) -> QueryDict:
    """A saved analysis' parameters as the Analys form's query."""
    q = QueryDict(mutable=True)
    q["programme"] = params.get("programme", "")
    for v in params.get("variable", []):
        q.appendlist("variable", v)
    if params.get("compare"):
        before, _sep, after = str(params["compare"]).partition(":")
        q.update({"mode": "compare", "before": before, "after": after})
    else:
        q["mode"] = "stage"
        if params.get("stage"):
            q["stage"] = params["stage"]
    for i, dim in enumerate(str(params.get("by", "")).split(",")[:3], start=1):
        if dim:
            q[f"by{i}"] = dim
    for src, dst in (("age_groups", "age_groups"), ("from", "date_from"), ("to", "date_to")):
        if params.get(src):
            q[dst] = params[src]
    for key in ("unit", "version"):
        for value in params.get(key, []):
            q.appendlist(key, value)
    return q


def analysis_form(data: QueryDict, user: Any) -> AnalysisForm:
    """The question form bound to `data`, with the choices of the chosen programme."""
    data = data.copy()
    programmes = selectors.programmes_for(user)
    if not data.get("programme") and programmes:
        data["programme"] = programmes[0][0]
    data.setdefault("mode", "stage")
    key = data.get("programme", "")
    spec = None
    if key in {k for k, _n in programmes}:
        try:
            spec = load_spec(key)
        except SpecError:
            spec = None  # the form then offers no variables; aggregate() explains why
    return AnalysisForm(data, user=user, spec=spec)


class AnalysisMixin(InsynView):
    personal_data = False
    required_action = Action.VIEW_AGGREGATE

    def build_form(self, request: HttpRequest) -> AnalysisForm:
        return analysis_form(request.GET, request.user)

    def result_for(self, form: AnalysisForm, variable: str) -> AnalysisResult:
        request = request_from_params(form.params(variable))
        return aggregate(request, scope=Scope.for_user(self.request.user))

    def one_variable(self, request: HttpRequest) -> tuple[AnalysisForm, AnalysisResult]:
        form = self.build_form(request)
        variable = request.GET.get("variable", "")
        choices = {key for key, _label in cast(Any, form.fields["variable"]).choices}
        if not form.is_valid() or variable not in choices:
            raise Http404
        try:
            return form, self.result_for(form, variable)
        except AnalysisError as exc:
            raise Http404 from exc


class AnalysisHomeView(AnalysisMixin):
    def get(self, request: HttpRequest) -> HttpResponse:
        return redirect("analytics:index")


class AnalysisView(AnalysisMixin):
    def get(self, request: HttpRequest) -> HttpResponse:
        form = self.build_form(request)
        results: list[dict[str, Any]] = []
        # "Show results" asks even with no variable ticked (the form then says so);
        # "Show the programme's variables" only refreshes the choices.
        asked = bool(request.GET.get("variable") or request.GET.get("show"))
        if asked and form.is_valid():
            for variable in form.cleaned_data["variable"]:
                results.append(self._one(request, form, variable))
        query = request.GET.urlencode()
        return render(
            request,
            "analytics/index.html",
            {
                "form": form,
                "results": results,
                "asked": asked,
                "min_cell": next(
                    (r["result"].min_cell for r in results if "result" in r),
                    settings.INSYN_MIN_CELL,
                ),
                "query": query,
                "saved": selectors.saved_for(request.user),
                "save_form": SavedAnalysisForm(initial={"query": query}),
                "can_export_frame": bool(
                    selectors.programmes_for(request.user, Action.EXPORT_INDIVIDUAL)
                ),
            },
        )

    def _one(self, request: HttpRequest, form: AnalysisForm, variable: str) -> dict[str, Any]:
        link = QueryDict(mutable=True)
        link.update(request.GET)
        link.setlist("variable", [variable])
        try:
            result = self.result_for(form, variable)
        except AnalysisError as exc:
            return {"variable": variable, "label": form.variable_label(variable), "error": str(exc)}
        return {
            "variable": variable,
            "result": result,
            "main": presentation.main_table(result),
            "followup": presentation.followup_table(result),
            "hidden": sum(r.suppressed for r in result.rows),
            "query": link.urlencode(),
        }


class ChartView(AnalysisMixin):
    """The chart of one variable as an SVG image (the page shows it with <img>)."""

    def get(self, request: HttpRequest) -> HttpResponse:
        _form, result = self.one_variable(request)
        response = HttpResponse(charts.svg(result), content_type="image/svg+xml")
        response["Content-Disposition"] = 'inline; filename="chart.svg"'
        return response


class ExportView(AnalysisMixin):
    """The suppressed table of one variable as a file: machine CSV, Swedish CSV or XLSX
    (insyn.core.exports)."""

    def get(self, request: HttpRequest) -> HttpResponseBase:
        fmt = request.GET.get("format", "csv")
        if fmt not in files.FORMATS:
            raise Http404
        _form, result = self.one_variable(request)
        name = f"insyn-{result.programme.key}-{result.variable.key}-{timezone.localdate():%Y%m%d}"
        return files.download(fmt, name, exports.sheet(result), comment=exports.comment(result))


class SavedCreateView(AnalysisMixin):
    http_method_names = ["post"]

    def post(self, request: HttpRequest) -> HttpResponse:
        form = SavedAnalysisForm(request.POST)
        query = request.POST.get("query", "")
        back = f"{reverse('analytics:index')}?{query}"
        if not form.is_valid():
            messages.error(request, _("Give the analysis a name."))
            return redirect(back)
        question = analysis_form(QueryDict(form.cleaned_data["query"]), request.user)
        if not question.is_valid() or not question.cleaned_data["variable"]:
            messages.error(request, _("Choose at least one variable before saving."))
            return redirect(back)
        params = question.params("")
        params["variable"] = question.cleaned_data["variable"]
        try:
            services.saved_analysis_create(
                actor=request.user,
                name=form.cleaned_data["name"],
                params=params,
                shared=form.cleaned_data["shared"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(back)
        messages.success(request, _("The analysis was saved."))
        return redirect(back)


class SavedOpenView(AnalysisMixin):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        saved = get_object_or_404(selectors.saved_for(request.user), pk=pk)
        return redirect(f"{reverse('analytics:index')}?{form_query(saved.params).urlencode()}")


class SavedDeleteView(AnalysisMixin):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        saved = get_object_or_404(SavedAnalysis.objects.visible_to(request.user), pk=pk)
        services.saved_analysis_delete(actor=request.user, saved=saved)
        messages.success(request, _("The saved analysis was removed."))
        return redirect("analytics:index")
