"""Staff pages of complaints and suggestions: the list (filters), a complaint with its step
forms, and the register form for one received by phone or letter.

Reading needs view_quality in the complaint unit's subtree (restrict); a complaint outside it
answers the same 404 as a missing one. Steps need handle_quality there (the service checks
again). Every page that shows a complaint records an access entry: its text and contact
details are personal data.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from insyn.accounts.models import User
from insyn.core.audit import record_access
from insyn.core.concurrency import VersionConflict, VersionedForm
from insyn.core.forms import add_service_errors
from insyn.core.roles import Action, roles_allowing
from insyn.core.scoping import has_action, path_in_scope
from insyn.core.validation import parse_int
from insyn.core.viewmixins import InsynView, get_scoped_object_or_404
from insyn.organisations.models import OrgUnit
from insyn.quality.forms.complaints import STEP_FORMS, AssignForm, RegisterForm
from insyn.quality.models import Complaint, ComplaintTheme
from insyn.quality.selectors import complaints as selectors
from insyn.quality.services import complaints as services

PAGE_SIZE = 50


class FilterForm(forms.Form):
    state = forms.ChoiceField(
        label=gettext_lazy("State"),
        required=False,
        choices=[("", gettext_lazy("All")), *Complaint.State.choices],
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"),
        required=False,
        choices=[("", gettext_lazy("All")), *Complaint.Kind.choices],
    )
    theme = forms.ChoiceField(label=gettext_lazy("Theme"), required=False)
    unit = forms.ChoiceField(label=gettext_lazy("Unit"), required=False)
    target = forms.ChoiceField(
        label=gettext_lazy("Answer target"),
        required=False,
        choices=[
            ("", gettext_lazy("All")),
            ("overdue", gettext_lazy("Not answered, past the target")),
            ("late", gettext_lazy("Answered late")),
            ("on_time", gettext_lazy("Answered in time")),
        ],
    )

    def __init__(self, *args: Any, units: QuerySet, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["theme"].choices = [  # type: ignore[attr-defined]
            ("", _("All")),
            *[(str(t.pk), t.label) for t in ComplaintTheme.objects.all()],
        ]
        self.fields["unit"].choices = [  # type: ignore[attr-defined]
            ("", _("All")),
            *[(str(u.pk), u.name) for u in units],
        ]


def _units(user: Any, action: Action) -> QuerySet:
    return OrgUnit.objects.restrict(user, action).filter(active=True).order_by("path")


class ComplaintListView(InsynView):
    personal_data = True
    required_action = Action.VIEW_QUALITY

    def get(self, request: HttpRequest) -> HttpResponse:
        today = timezone.localdate()
        form = FilterForm(request.GET or None, units=_units(request.user, Action.VIEW_QUALITY))
        f = selectors.ComplaintFilter()
        if form.is_bound and form.is_valid():
            d = form.cleaned_data
            f = selectors.ComplaintFilter(
                state=d["state"],
                kind=d["kind"],
                theme=parse_int(d["theme"]),
                unit=parse_int(d["unit"]),
                target=d["target"],
            )
        qs = selectors.filtered(request.user, f, today)
        total = qs.count()
        rows = list(qs[:PAGE_SIZE])
        record_access(actor=request.user, action="list", objects=rows, model=Complaint)
        can_register = has_action(request.user, Action.REPORT_QUALITY)
        return render(
            request,
            "quality/complaints/list.html",
            {
                "form": form,
                "rows": rows,
                "total": total,
                "today": today,
                "open_states": selectors.OPEN_STATES,
                "can_register": can_register,
            },
            status=200 if not form.is_bound or form.is_valid() else 400,
        )


def _handlers(complaint: Complaint) -> QuerySet:
    """Active users who may handle complaints somewhere in the complaint's municipality."""
    return (
        User.objects.filter(
            is_active=True,
            memberships__role__in=roles_allowing(Action.HANDLE_QUALITY),
            memberships__org_unit__path__startswith=complaint.municipality.path,
        )
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


def _step_form(step: str, complaint: Complaint, user: Any, data: Any = None) -> VersionedForm:
    cls = STEP_FORMS[step]
    kwargs: dict[str, Any] = {"prefix": step}
    if cls is AssignForm:
        kwargs["units"] = _units(user, Action.HANDLE_QUALITY).filter(
            path__startswith=complaint.municipality.path
        )
        kwargs["handlers"] = _handlers(complaint)
    initial = {"unit": complaint.unit_id, "handler": complaint.handler_id}
    form = cls(data, initial=initial if cls is AssignForm else {}, **kwargs)
    if data is None:
        form.track(complaint)
    return form


def _action_plan_link(complaint: Complaint) -> str:
    """The action-plans area builds that page; until it is there, no link."""
    try:
        return f"{reverse('quality:action_plan_create')}?complaint={complaint.pk}"
    except NoReverseMatch:
        return ""


def _detail(
    request: HttpRequest,
    complaint: Complaint,
    bound: tuple[str, VersionedForm] | None = None,
) -> HttpResponse:
    record_access(actor=request.user, action="view", objects=[complaint])
    can_handle = path_in_scope(request.user, Action.HANDLE_QUALITY, complaint.unit.path)
    steps = []
    if can_handle:
        for step in services.COMPLAINT_FLOW.available(complaint.state):
            form = bound[1] if bound and bound[0] == step else None
            steps.append(
                {
                    "key": step,
                    "label": services.COMPLAINT_FLOW.transitions[step].label,
                    "form": form or _step_form(step, complaint, request.user),
                    "open": form is not None,
                }
            )
    # A step that is no longer available (someone else moved the complaint on): its message
    # goes above the steps.
    step_errors = []
    if bound and bound[0] not in {s["key"] for s in steps}:
        step_errors = [e for errs in bound[1].errors.values() for e in errs]
    today = timezone.localdate()
    return render(
        request,
        "quality/complaints/detail.html",
        {
            "complaint": complaint,
            "step_errors": step_errors,
            "steps": steps,
            "can_handle": can_handle,
            "action_plan_url": _action_plan_link(complaint) if can_handle else "",
            "overdue": complaint.state in selectors.OPEN_STATES and complaint.answer_due_on < today,
            "late": complaint.answered_on is not None
            and complaint.answered_on > complaint.answer_due_on,
        },
        status=400 if bound else 200,
    )


class ComplaintDetailView(InsynView):
    personal_data = True
    required_action = Action.VIEW_QUALITY

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        complaint = get_scoped_object_or_404(
            request.user, selectors.complaints(request.user), pk=pk
        )
        return _detail(request, complaint)


STEP_SERVICES: dict[str, Callable[..., Complaint]] = {
    "assign": services.complaint_assign,
    "investigate": services.complaint_investigate,
    "answer": services.complaint_answer,
    "close": services.complaint_close,
}


class ComplaintStepView(InsynView):
    """POST one step's form; on bad input the complaint page comes back with the message."""

    personal_data = True
    required_action = Action.HANDLE_QUALITY

    def post(self, request: HttpRequest, pk: int, step: str) -> HttpResponse:
        if step not in STEP_FORMS:
            raise Http404
        complaint = get_scoped_object_or_404(
            request.user, selectors.complaints(request.user, Action.HANDLE_QUALITY), pk=pk
        )
        form = _step_form(step, complaint, request.user, request.POST)
        if form.is_valid():
            try:
                STEP_SERVICES[step](
                    actor=request.user,
                    complaint=complaint,
                    expected_version=form.expected_version,
                    **form.service_data(),
                )
            except VersionConflict as exc:
                complaint.refresh_from_db()
                form.show_conflict(exc, {})
            except ValidationError as exc:
                complaint.refresh_from_db()
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Saved: %(step)s.") % {"step": _step_label(step)})
                if path_in_scope(request.user, Action.VIEW_QUALITY, complaint.unit.path):
                    return redirect("quality:complaint_detail", complaint.pk)
                return redirect("quality:complaint_list")
        return _detail(request, complaint, (step, form))


def _step_label(step: str) -> str:
    return str(services.COMPLAINT_FLOW.transitions[step].label)


class ComplaintRegisterView(InsynView):
    """Register one received by phone, letter, e-mail or in person. Shows no one's data: the
    form is empty or holds what this user just typed."""

    personal_data = False
    required_action = Action.REPORT_QUALITY

    def _form(self, request: HttpRequest, data: Any = None) -> RegisterForm:
        return RegisterForm(data, units=_units(request.user, Action.REPORT_QUALITY))

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, "quality/complaints/register.html", {"form": self._form(request)})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = self._form(request, request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                complaint = services.complaint_register(
                    actor=request.user,
                    unit=d["unit"],
                    kind=d["kind"],
                    channel=d["channel"],
                    text=d["text"],
                    received_on=d["received_on"],
                    theme=d["theme"],
                    submitter=d["submitter"],
                    anonymous=d["anonymous"],
                    contact_name=d["contact_name"],
                    contact_email=d["contact_email"],
                    contact_phone=d["contact_phone"],
                    wants_answer=d["wants_answer"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("Registered with receipt number %(number)s.")
                    % {"number": complaint.receipt_number},
                )
                if path_in_scope(request.user, Action.VIEW_QUALITY, complaint.unit.path):
                    return redirect("quality:complaint_detail", complaint.pk)
                return redirect("quality:complaint_register")
        return render(request, "quality/complaints/register.html", {"form": form}, status=400)


urlpatterns: list[URLPattern] = [
    path("complaints/", ComplaintListView.as_view(), name="complaint_list"),
    path("complaints/register/", ComplaintRegisterView.as_view(), name="complaint_register"),
    path("complaints/<int:pk>/", ComplaintDetailView.as_view(), name="complaint_detail"),
    path(
        "complaints/<int:pk>/<str:step>/",
        ComplaintStepView.as_view(),
        name="complaint_step",
    ),
]
