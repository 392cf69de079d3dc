"""Lex Sarah pages: report, the officers' list and overdue list, the report with the forms
of the steps that can be done now, read access for a named person, the IVO notification
as PDF/DOCX, and the one-action escalation of a deviation.

Every page that names a report finds it through `visible_reports` (404 otherwise, the same
as for a missing report); a step goes through the service, which re-checks
`handle_lex_sarah` on the report's unit.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _

from insyn.accounts.models import User
from insyn.core.audit import record_access
from insyn.core.concurrency import VersionConflict, initial_from
from insyn.core.forms import add_service_errors
from insyn.core.roles import Action
from insyn.core.scoping import granted_paths, path_in_scope, restrict
from insyn.core.viewmixins import InsynView, get_scoped_object_or_404
from insyn.organisations.models import Membership, OrgUnit
from insyn.quality.forms.lex_sarah import STEP_FORMS, STEP_INITIAL, GrantForm, ReportForm
from insyn.quality.models import Deviation, LexSarahReport
from insyn.quality.selectors.lex_sarah import deadlines, due_reports, visible_reports
from insyn.quality.services import lex_sarah as ls
from insyn.quality.services import lex_sarah_intake as intake
from insyn.quality.services.lex_sarah_ivo import ivo_notification, render_docx, render_pdf


def get_report(user: Any, pk: int) -> LexSarahReport:
    """The report if `user` may read it; otherwise the 404 of a missing one (and a denied
    entry in the audit trail)."""
    return get_scoped_object_or_404(
        user, visible_reports(user), unrestricted=LexSarahReport.objects.all(), pk=pk
    )


class LexSarahView(InsynView):
    """Anyone logged in may ask; what they get is decided per report by `visible_reports`
    (the reporter holds no lex Sarah action, nor does a granted reader)."""

    personal_data = True
    required_action = Action.VIEW_ORG


class ReportListView(LexSarahView):
    """The reports the user may read, newest first (officers: their subtree's)."""

    def get(self, request: HttpRequest) -> HttpResponse:
        reports = visible_reports(request.user)
        state = request.GET.get("state", "")
        if state in LexSarahReport.State.values:
            reports = reports.filter(state=state)
        shown = list(reports[:200])
        record_access(actor=request.user, action="list", objects=shown, model=LexSarahReport)
        return render(
            request,
            "quality/lex_sarah/list.html",
            {"reports": shown, "states": LexSarahReport.State.choices, "state": state},
        )


class OverdueListView(LexSarahView):
    """Officers' list of deadlines passed or falling today (register, investigation, IVO)."""

    required_action = Action.VIEW_LEX_SARAH

    def get(self, request: HttpRequest) -> HttpResponse:
        mine = restrict(request.user, Action.VIEW_LEX_SARAH, visible_reports(request.user))
        due = due_reports(mine, timezone.localdate())
        record_access(
            actor=request.user,
            action="list",
            objects=list({d.report.pk: d.report for d in due}.values()),
            model=LexSarahReport,
        )
        return render(request, "quality/lex_sarah/overdue.html", {"due": due})


def _units_for_report(user: Any) -> Any:
    paths = granted_paths(user, Action.REPORT_QUALITY)
    units = OrgUnit.objects.filter(active=True).exclude(kind__in=OrgUnit.REFERENCE_KINDS)
    if not paths:
        return units.none()
    from insyn.core.scoping import paths_q

    return units.filter(paths_q("path", paths)).order_by("path")


class ReportCreateView(LexSarahView):
    required_action = Action.REPORT_QUALITY

    def _render(self, request: HttpRequest, form: ReportForm, status: int = 200) -> HttpResponse:
        record_access(actor=request.user, action="form", model=LexSarahReport)
        return render(request, "quality/lex_sarah/report_form.html", {"form": form}, status=status)

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._render(request, ReportForm(units=_units_for_report(request.user)))

    def post(self, request: HttpRequest) -> HttpResponse:
        from insyn.clients.models import Client

        form = ReportForm(request.POST, units=_units_for_report(request.user))
        if form.is_valid():
            data = dict(form.cleaned_data)
            ref = data.pop("client_ref", "").strip()
            client = None
            if ref:
                client = (
                    Client.objects.restrict(request.user, Action.VIEW_INDIVIDUAL)
                    .filter(client_ref=ref)
                    .first()
                )
                if client is None:
                    form.add_error("client_ref", _("No client you work with has that reference."))
            if not form.errors:
                try:
                    report = intake.lex_sarah_report(actor=request.user, client=client, **data)
                except ValidationError as exc:
                    add_service_errors(form, exc)
                else:
                    messages.success(
                        request,
                        _("Thank you. Your lex Sarah report was sent to the lex Sarah officer."),
                    )
                    return redirect("quality:lex_sarah_detail", pk=report.pk)
        return self._render(request, form, status=400)


def _grantable_users(report: LexSarahReport) -> Any:
    ids = Membership.objects.filter(org_unit__path__startswith=report.municipality.path).values(
        "user_id"
    )
    return User.objects.filter(pk__in=ids, is_active=True).order_by("last_name", "username")


class ReportPage(LexSarahView):
    """The report, its deadlines, and (for an officer) the forms of the steps possible now."""

    def _render(
        self,
        request: HttpRequest,
        report: LexSarahReport,
        bound: tuple[str, Any] | None = None,
        status: int = 200,
    ) -> HttpResponse:
        can_handle = path_in_scope(request.user, Action.HANDLE_LEX_SARAH, report.unit.path)
        forms: list[tuple[str, str, Any]] = []
        if can_handle:
            for step in ls.available_steps(report):
                if bound is not None and bound[0] == step:
                    form = bound[1]
                else:
                    form = STEP_FORMS[step](
                        initial=initial_from(report, STEP_INITIAL.get(step, ()))
                    )
                    form.track(report)
                forms.append((step, str(ls.LEX_SARAH_FLOW.transitions[step].label), form))
            if bound is not None and bound[0] not in {f[0] for f in forms}:
                step = bound[0]
                forms.insert(0, (step, str(ls.LEX_SARAH_FLOW.transitions[step].label), bound[1]))
        granted = list(report.granted_users.all())
        record_access(actor=request.user, action="view", objects=[report])
        today = timezone.localdate()
        return render(
            request,
            "quality/lex_sarah/detail.html",
            {
                "report": report,
                "deadlines": [(d, d.overdue(today)) for d in deadlines(report)],
                "step_forms": forms,
                "can_handle": can_handle,
                "granted": granted,
                "grant_form": GrantForm(users=_grantable_users(report)) if can_handle else None,
                "can_download": report.serious is True,
                # measures become action plans; those who own plans see and start them here
                "can_plan": path_in_scope(request.user, Action.HANDLE_QUALITY, report.unit.path),
                "action_plans": list(report.action_plans.all()),
            },
            status=status,
        )


class ReportDetailView(ReportPage):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self._render(request, get_report(request.user, pk))


class StepView(ReportPage):
    """One step's form posted: done through its service, or the page again with the
    service's messages on the form's fields (nothing changed)."""

    def post(self, request: HttpRequest, pk: int, step: str) -> HttpResponse:
        report = get_report(request.user, pk)
        if step not in STEP_FORMS:
            raise Http404
        form = STEP_FORMS[step](request.POST)
        if form.is_valid():
            data = form.service_data()
            if step == "close_non_case":
                data.setdefault("non_case_position", "")
            try:
                ls.STEP_SERVICES[step](
                    actor=request.user,
                    report=report,
                    expected_version=form.expected_version,
                    **data,
                )
            except VersionConflict as exc:
                report.refresh_from_db()
                form.show_conflict(exc, initial_from(report, STEP_INITIAL.get(step, ())))
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("Saved: %(step)s.") % {"step": ls.LEX_SARAH_FLOW.transitions[step].label},
                )
                return redirect("quality:lex_sarah_detail", pk=report.pk)
        report.refresh_from_db()
        return self._render(request, report, bound=(step, form), status=400)


class GrantView(LexSarahView):
    """An officer gives, or takes back, a named person's read access."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        report = get_report(request.user, pk)
        revoke = request.POST.get("revoke")
        if revoke:
            user = User.objects.filter(pk=revoke if str(revoke).isdigit() else 0).first()
            if user is None:
                raise Http404
            intake.lex_sarah_revoke(actor=request.user, report=report, user=user)
            messages.success(request, _("Read access was taken back."))
            return redirect("quality:lex_sarah_detail", pk=report.pk)
        form = GrantForm(request.POST, users=_grantable_users(report))
        if form.is_valid():
            try:
                intake.lex_sarah_grant(
                    actor=request.user, report=report, user=form.cleaned_data["user"]
                )
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, _("Read access was given."))
                return redirect("quality:lex_sarah_detail", pk=report.pk)
        else:
            messages.error(request, _("Choose a person."))
        # refused: the report's page again, which reads it
        record_access(actor=request.user, action="view", objects=[report])
        return redirect("quality:lex_sarah_detail", pk=report.pk)


class IvoDocumentView(LexSarahView):
    """The IVO notification of a serious report, as PDF or DOCX (audited as an export)."""

    def get(self, request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
        report = get_report(request.user, pk)
        if report.serious is not True or fmt not in ("pdf", "docx"):
            raise Http404
        doc = ivo_notification(report)
        record_access(
            actor=request.user, action="export", objects=[report], detail={"document": f"ivo.{fmt}"}
        )
        ref = (report.diary_number or str(report.pk)).replace(" ", "-").replace("/", "-")
        name = f"lex-sarah-ivo-{ref}"
        if fmt == "pdf":
            response = HttpResponse(render_pdf(doc), content_type="application/pdf")
        else:
            response = HttpResponse(
                render_docx(doc),
                content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            )
        response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
        return response


class EscalateView(LexSarahView):
    """One action on a deviation: a lex Sarah report carrying its text, unit, client and date."""

    required_action = Action.REPORT_QUALITY

    def post(self, request: HttpRequest, deviation_pk: int) -> HttpResponse:
        deviation = Deviation.objects.filter(pk=deviation_pk).select_related("unit").first()
        if deviation is None or not intake.deviation_may_escalate(request.user, deviation):
            if deviation is not None:
                from insyn.core.audit import record_denied

                record_denied(actor=request.user, obj=deviation)
            raise Http404
        try:
            report = intake.lex_sarah_from_deviation(actor=request.user, deviation=deviation)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            existing = LexSarahReport.objects.filter(from_deviation=deviation).first()
            record_access(actor=request.user, action="view", objects=[deviation])
            if (
                existing is not None
                and visible_reports(request.user).filter(pk=existing.pk).exists()
            ):
                return redirect("quality:lex_sarah_detail", pk=existing.pk)
            return redirect("quality:lex_sarah_list")
        messages.success(request, _("The deviation was escalated to a lex Sarah report."))
        return redirect("quality:lex_sarah_detail", pk=report.pk)


urlpatterns = [
    path("lex-sarah/", ReportListView.as_view(), name="lex_sarah_list"),
    path("lex-sarah/overdue/", OverdueListView.as_view(), name="lex_sarah_overdue"),
    path("lex-sarah/report/", ReportCreateView.as_view(), name="lex_sarah_create"),
    path("lex-sarah/<int:pk>/", ReportDetailView.as_view(), name="lex_sarah_detail"),
    path("lex-sarah/<int:pk>/step/<slug:step>/", StepView.as_view(), name="lex_sarah_step"),
    path("lex-sarah/<int:pk>/access/", GrantView.as_view(), name="lex_sarah_grant"),
    path(
        "lex-sarah/<int:pk>/ivo.<str:fmt>", IvoDocumentView.as_view(), name="lex_sarah_ivo_document"
    ),
    path(
        "lex-sarah/escalate/<int:deviation_pk>/", EscalateView.as_view(), name="lex_sarah_escalate"
    ),
]
