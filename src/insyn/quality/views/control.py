"""Internal control pages: rounds (list, create, the drawn list with draw / assign / steps) and
the template library (list, view, YAML download and upload). The review form, results and
data checks are in views/control_review.py. Thin: selectors/control.py reads,
services/control*.py write."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, URLResolver, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from insyn.core.audit import record_access
from insyn.core.forms import add_service_errors
from insyn.core.roles import Action
from insyn.core.scoping import path_in_scope
from insyn.core.viewmixins import InsynView, get_scoped_object_or_404
from insyn.organisations.models import OrgUnit
from insyn.quality.forms.control import AssignForm, CompleteForm, RoundForm, UploadForm
from insyn.quality.models import ControlCase, ControlRound, ReviewTemplate
from insyn.quality.selectors import control as selectors
from insyn.quality.services import control as services
from insyn.quality.services import control_templates as templates
from insyn.quality.views import control_review


def _municipality(user: Any) -> OrgUnit | None:
    unit = OrgUnit.objects.restrict(user, Action.VIEW_QUALITY).order_by("path").first()
    return None if unit is None else (unit.municipality or unit)


def _round(request: HttpRequest, pk: int) -> ControlRound:
    return get_scoped_object_or_404(
        request.user, selectors.rounds(request.user), ControlRound.objects, pk=pk
    )


class RoundListView(InsynView):
    """Rounds are organisation data (no case is named)."""

    personal_data = False
    required_action = Action.VIEW_QUALITY

    def get(self, request: HttpRequest) -> HttpResponse:
        rounds = list(selectors.rounds(request.user)[:200])
        return render(
            request,
            "quality/control/list.html",
            {"rounds": rounds, "may_create": bool(_handle_units(request.user))},
        )


def _handle_units(user: Any) -> Any:
    return OrgUnit.objects.restrict(user, Action.HANDLE_QUALITY).filter(active=True)


class RoundCreateView(InsynView):
    personal_data = False
    required_action = Action.HANDLE_QUALITY

    def _form(self, data: Any = None) -> RoundForm:
        templates.ensure_shipped_templates()
        user = self.request.user
        today = timezone.localdate()
        return RoundForm(
            data,
            templates=templates.templates_for(_municipality(user)),
            units=_handle_units(user).order_by("path"),
            initial={
                "period_start": today.replace(month=1, day=1),
                "period_end": today,
                "sample_size": 10,
                "mode": "sample",
                "prevent_own_cases": True,
                "second_review_share": 0,
            },
        )

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, "quality/control/form.html", {"form": self._form()})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = self._form(request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            data["units"] = list(data["units"])
            data["sample_size"] = data["sample_size"] if data["mode"] == "sample" else None
            try:
                round_ = services.control_round_create(actor=request.user, **data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("The round was created with seed %(seed)s.") % {"seed": round_.seed},
                )
                return redirect("quality:control_round", pk=round_.pk)
        return render(request, "quality/control/form.html", {"form": form}, status=400)


class RoundView(InsynView):
    """The round with its drawn list (case references and reviewers: personal data) and the
    forms of its next steps: draw, assign, start the review, complete."""

    personal_data = True
    required_action = Action.VIEW_QUALITY

    def _render(self, round_: ControlRound, status: int = 200, **forms: Any) -> HttpResponse:
        user = self.request.user
        cases = list(selectors.cases(user, round_))
        record_access(
            actor=user, action="view", objects=cases, model=ControlCase, org_path=round_.unit.path
        )
        may_handle = path_in_scope(user, Action.HANDLE_QUALITY, round_.unit.path)
        context = {
            "round": round_,
            "cases": cases,
            "hidden": round_.cases.count() - len(cases),
            "steps": services.ROUND_FLOW.available(round_.state) if may_handle else [],
            "may_handle": may_handle,
            "assign_form": forms.get("assign_form") or AssignForm(round_=round_),
            "complete_form": forms.get("complete_form") or CompleteForm(),
            "criteria": round_.template.criteria.order_by("order"),
        }
        return render(self.request, "quality/control/detail.html", context, status=status)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self._render(_round(request, pk))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        round_ = _round(request, pk)
        op = request.POST.get("op", "")
        version = _int(request.POST.get("version"))
        try:
            if op == "draw":
                result = services.control_round_draw(
                    actor=request.user,
                    round_=round_,
                    seed=_int(request.POST.get("seed")),
                    expected_version=version,
                )
                messages.success(
                    request,
                    _("%(n)s of %(pop)s cases were drawn with seed %(seed)s.")
                    % {"n": result.drawn, "pop": result.population, "seed": round_.seed},
                )
                for text in result.messages:
                    messages.warning(request, text)
            elif op == "assign":
                form = AssignForm(request.POST, round_=round_)
                if not form.is_valid():
                    return self._render(round_, status=400, assign_form=form)
                try:
                    services.control_round_assign(
                        actor=request.user,
                        round_=round_,
                        reviewers=list(form.cleaned_data["reviewers"]),
                        expected_version=version,
                    )
                except ValidationError as exc:
                    add_service_errors(form, exc)
                    round_.refresh_from_db()
                    return self._render(round_, status=400, assign_form=form)
                messages.success(request, _("The reviewers were assigned."))
            elif op in ("start_review", "complete"):
                services.control_round_transition(
                    actor=request.user,
                    round_=round_,
                    action=op,
                    summary=request.POST.get("summary", ""),
                    expected_version=version,
                )
                messages.success(
                    request, _("The round is now “%(s)s”.") % {"s": round_.get_state_display()}
                )
            else:
                raise Http404
        except ValidationError as exc:
            for text in exc.messages:
                messages.error(request, text)
            round_.refresh_from_db()
            return self._render(round_, status=400)
        return redirect("quality:control_round", pk=round_.pk)


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except ValueError:
        return None


# --- the template library (organisation data) -------------------------------------------------


def _templates(user: Any) -> Any:
    return templates.templates_for(_municipality(user))


class TemplateListView(InsynView):
    personal_data = False
    required_action = Action.VIEW_QUALITY

    def get(self, request: HttpRequest) -> HttpResponse:
        templates.ensure_shipped_templates()
        return render(
            request,
            "quality/control/templates.html",
            {
                "templates": _templates(request.user).prefetch_related("criteria"),
                "may_upload": bool(_handle_units(request.user)),
            },
        )


def _template(request: HttpRequest, pk: int) -> ReviewTemplate:
    municipality = _municipality(request.user)
    found = ReviewTemplate.objects.filter(pk=pk).first()
    if found is None or found.municipality_id not in (None, getattr(municipality, "pk", None)):
        raise Http404
    return found


class TemplateView(InsynView):
    personal_data = False
    required_action = Action.VIEW_QUALITY

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        template = _template(request, pk)
        return render(
            request,
            "quality/control/template.html",
            {"template": template, "criteria": template.criteria.order_by("order")},
        )


class TemplateYamlView(InsynView):
    personal_data = False
    required_action = Action.VIEW_QUALITY

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        template = _template(request, pk)
        response = HttpResponse(
            templates.template_yaml(template), content_type="application/yaml; charset=utf-8"
        )
        name = f"{template.code}-v{template.version}.yaml"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


class TemplateUploadView(InsynView):
    """A municipality's own template (or a new version of it) from a YAML file."""

    personal_data = False
    required_action = Action.HANDLE_QUALITY

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, "quality/control/upload.html", {"form": UploadForm()})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = UploadForm(request.POST, request.FILES)
        municipality = _municipality(request.user)
        if form.is_valid() and municipality is not None:
            try:
                text = form.cleaned_data["file"].read().decode("utf-8")
                template, created = templates.template_import_yaml(
                    actor=request.user, text=text, municipality=municipality
                )
            except UnicodeDecodeError:
                form.add_error("file", _("The file is not UTF-8 text."))
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                if created:
                    messages.success(
                        request,
                        _("Version %(v)s of the template was saved.") % {"v": template.version},
                    )
                else:
                    messages.info(request, _("The template was unchanged."))
                return redirect("quality:control_template", pk=template.pk)
        return render(request, "quality/control/upload.html", {"form": form}, status=400)


urlpatterns: list[URLPattern | URLResolver] = [
    path("control/", RoundListView.as_view(), name="control_rounds"),
    path("control/new/", RoundCreateView.as_view(), name="control_round_create"),
    path("control/<int:pk>/", RoundView.as_view(), name="control_round"),
    path("control/templates/", TemplateListView.as_view(), name="control_templates"),
    path("control/templates/upload/", TemplateUploadView.as_view(), name="control_template_upload"),
    path("control/templates/<int:pk>/", TemplateView.as_view(), name="control_template"),
    path(
        "control/templates/<int:pk>/yaml/", TemplateYamlView.as_view(), name="control_template_yaml"
    ),
    *control_review.urlpatterns,
]


def register() -> None:
    """Navigation (placement="quality") and the dashboard panel of this area."""
    from insyn.core.navigation import NavItem, register_nav
    from insyn.quality import control_panel

    register_nav(
        NavItem(
            "quality_control",
            gettext_lazy("Internal control"),
            "quality:control_rounds",
            Action.VIEW_QUALITY,
            70,
            "quality",
        )
    )
    control_panel.register()
