"""Staff pages of the Open Comparisons workflow: the publication list, a publication's page that
steps through the workflow (each step's forms while it is the current step), the step forms
(views/oj_steps.py), the prioritisation matrix and the A3 summary (views/oj_a3.py).

Thin: reads through selectors/oj.py, writes through services/oj.py and services/oj_steps.py.
The pages name staff in their professional role (who decided a step) and no client, like the
risk register and the annual cycle, so they are not personal-data views."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import URLPattern, URLResolver, path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from insyn.accounts.models import User
from insyn.core.concurrency import VersionConflict
from insyn.core.forms import add_service_errors
from insyn.core.roles import Action
from insyn.core.scoping import granted_paths, path_in_scope
from insyn.core.viewmixins import InsynView, get_scoped_object_or_404
from insyn.indicators.forms.oj import (
    DataCheckForm,
    DecideForm,
    DeepAnalysisForm,
    ProposalForm,
    PublicationCreateForm,
    QuickAnalysisForm,
    ReceptionForm,
    ResultForm,
    SummaryForm,
    TransitionForm,
)
from insyn.indicators.models import OjPublication
from insyn.indicators.selectors import oj as selectors
from insyn.indicators.services import oj as services
from insyn.organisations.models import OrgUnit
from insyn.quality.forms.action_plans import owner_choices


def people(publication: OjPublication) -> QuerySet[User]:
    return owner_choices(publication.unit)


def _named(field: Any) -> None:
    field.label_from_instance = lambda u: u.get_full_name() or u.username


def handler_units(user: Any) -> QuerySet[OrgUnit]:
    units = OrgUnit.objects.none()
    for root in granted_paths(user, Action.HANDLE_QUALITY):
        units |= OrgUnit.objects.filter(path__startswith=root, active=True)
    return units.filter(kind__in=("municipality", "administration", "department")).order_by("path")


class OjView(InsynView):
    personal_data = False
    required_action = Action.VIEW_QUALITY

    def publication(self, pk: int) -> OjPublication:
        return get_scoped_object_or_404(
            self.request.user,
            selectors.publications_visible(self.request.user),
            OjPublication.objects,
            pk=pk,
        )

    def handled(self, pk: int) -> OjPublication:
        """A publication the user may change, else the same 404 as a missing one."""
        publication = self.publication(pk)
        if not path_in_scope(self.request.user, Action.HANDLE_QUALITY, publication.unit.path):
            raise Http404
        return publication


class PublicationListView(OjView):
    template_name = "indicators/oj/list.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.page(PublicationCreateForm(units=handler_units(request.user)))

    def page(self, form: PublicationCreateForm, status: int = 200) -> HttpResponse:
        units = handler_units(self.request.user)
        return render(
            self.request,
            self.template_name,
            {
                "publications": selectors.publications_visible(self.request.user),
                "form": form if units.exists() else None,
            },
            status=status,
        )

    def post(self, request: HttpRequest) -> HttpResponse:
        form = PublicationCreateForm(request.POST, units=handler_units(request.user))
        if form.is_valid():
            try:
                publication = services.publication_create(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                return HttpResponseRedirect(reverse("indicators:oj_detail", args=[publication.pk]))
        return self.page(form, 400)


def detail_context(
    request: HttpRequest, publication: OjPublication, bound: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Everything the publication's page shows; `bound` replaces a form by one sent back."""
    bound = bound or {}
    user = request.user
    handler = path_in_scope(user, Action.HANDLE_QUALITY, publication.unit.path)
    initial = {"version": publication.version}
    results = list(selectors.results(publication))
    status = publication.status

    def form(key: str, factory: Any) -> Any:
        return bound.get(key) or factory()

    steps = []
    if handler:
        for action in services.OJ_FLOW.available(status):
            f = form(
                f"step-{action}",
                lambda a=action: TransitionForm(
                    initial={
                        **initial,
                        "action": a,
                        "decided_by": user.pk,
                        "on": timezone.localdate(),
                    },
                    people=people(publication),
                    prefix=f"step-{a}",
                ),
            )
            _named(f.fields["decided_by"])
            steps.append((action, services.OJ_FLOW.transitions[action].label, f))
    may = {
        part: handler and services.may_change(publication, part) for part in services.PART_STATES
    }
    rows = []
    for r in results:
        quick_form = None
        if may["quick_analysis"] and r.negative:
            quick = getattr(r, "quick", None)
            quick_form = form(
                f"quick-{r.pk}",
                lambda r=r, q=quick: QuickAnalysisForm(
                    initial={
                        **initial,
                        **(
                            {
                                "important": q.important,
                                "reliable": q.reliable,
                                "ongoing_work": q.ongoing_work,
                                "comment": q.comment,
                            }
                            if q
                            else {}
                        ),
                    },
                    prefix=f"quick-{r.pk}",
                ),
            )
        rows.append({"result": r, "quick_form": quick_form})
    decide_forms = {}
    if may["proposals"]:
        for p in publication.proposals.filter(action_plan__isnull=True):
            f = form(
                f"decide-{p.pk}",
                lambda p=p: DecideForm(
                    initial={**initial, "owner": user.pk},
                    people=people(publication),
                    prefix=f"decide-{p.pk}",
                ),
            )
            _named(f.fields["owner"])
            decide_forms[p.pk] = f
    proposals = [
        {"proposal": p, "decide_form": decide_forms.get(p.pk)}
        for p in publication.proposals.select_related("action_plan", "deep_analysis", "decided_by")
    ]
    summary_initial = {
        name: getattr(publication, name) for name in SummaryForm.base_fields if name != "version"
    }
    return {
        "publication": publication,
        "handler": handler,
        "may": may,
        "flow": selectors.steps(publication),
        "steps": steps,
        "data_checks": publication.data_checks.select_related("checked_by"),
        "results": rows,
        "negative_count": sum(1 for r in results if r.negative),
        "matrix": selectors.matrix(publication),
        "deep_rows": [r for r in results if hasattr(r, "priority") and r.priority.priority],
        "proposals": proposals,
        "data_check_form": form("data_check", lambda: DataCheckForm(initial=initial))
        if may["data_checks"]
        else None,
        "reception_form": form(
            "reception",
            lambda: ReceptionForm(
                initial={
                    **initial,
                    "receivers": publication.receivers,
                    "press_answers": publication.press_answers,
                }
            ),
        )
        if may["reception"]
        else None,
        "result_form": form("result", lambda: ResultForm(initial=initial))
        if may["results"]
        else None,
        "proposal_form": form(
            "proposal", lambda: ProposalForm(initial=initial, publication=publication)
        )
        if may["proposals"]
        else None,
        "summary_form": form("summary", lambda: SummaryForm(initial={**initial, **summary_initial}))
        if may["summary"]
        else None,
        "deep_form_class": DeepAnalysisForm,
    }


def conflict_status(exc: ValidationError) -> int:
    return 409 if isinstance(exc, VersionConflict) else 400


class PublicationDetailView(OjView):
    template_name = "indicators/oj/detail.html"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        publication = self.publication(pk)
        return render(request, self.template_name, detail_context(request, publication))


class StepView(OjView):
    """A step of the workflow (POST): date and who decided, with the version read."""

    required_action = Action.HANDLE_QUALITY

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        publication = self.handled(pk)
        action = request.POST.get("action", "")
        prefix = f"step-{action}"
        form = TransitionForm(request.POST, people=people(publication), prefix=prefix)
        if not form.is_valid():
            # a form posted without its prefix (the API-style minimal post) is read plainly
            form = TransitionForm(request.POST, people=people(publication))
        if form.is_valid():
            try:
                services.publication_transition(
                    actor=request.user,
                    publication=publication,
                    action=form.cleaned_data["action"],
                    expected_version=form.cleaned_data.get("version"),
                    on=form.cleaned_data.get("on"),
                    decided_by=form.cleaned_data.get("decided_by"),
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
                publication.refresh_from_db()
                ctx = detail_context(request, publication, {prefix: form})
                ctx["step_error"] = form
                return render(
                    request, "indicators/oj/detail.html", ctx, status=conflict_status(exc)
                )
            return HttpResponseRedirect(reverse("indicators:oj_detail", args=[pk]) + "#steps")
        ctx = detail_context(request, publication, {prefix: form})
        ctx["step_error"] = form
        return render(request, "indicators/oj/detail.html", ctx, status=400)


def _urls() -> list[URLPattern | URLResolver]:
    from insyn.indicators.views import oj_a3, oj_steps

    return [
        path("oj/", PublicationListView.as_view(), name="oj_list"),
        path("oj/<int:pk>/", PublicationDetailView.as_view(), name="oj_detail"),
        path("oj/<int:pk>/step/", StepView.as_view(), name="oj_step"),
        *oj_steps.urlpatterns,
        *oj_a3.urlpatterns,
    ]


urlpatterns: list[URLPattern | URLResolver] = _urls()


def register() -> None:
    """Navigation: “Öppna jämförelser” in the main menu for those who see quality work."""
    from insyn.core.audit_values import register_value_action
    from insyn.core.navigation import NavItem, register_nav

    # the values of their change entries: read by those who read the publication
    for model in (
        "ojpublication",
        "ojdataqualitycheck",
        "ojresult",
        "ojquickanalysis",
        "ojpriority",
        "ojdeepanalysis",
        "ojproposal",
    ):
        register_value_action(f"indicators.{model}", Action.VIEW_QUALITY)
    register_nav(
        NavItem("oj", _("Open Comparisons"), "indicators:oj_list", Action.VIEW_QUALITY, 47)
    )
