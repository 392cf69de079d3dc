"""The retention page: a municipality's rules, its recent runs, the dry run (what is due, by
kind, with record numbers and no personal data) and, for administrators, editing the rules
and running the removal. Audit entries are left to the operator's nightly job
(`insyn retention run`), which alone reaches the audit trail's purge hatch."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from insyn.core.forms import add_service_errors
from insyn.core.roles import Action
from insyn.core.viewmixins import InsynView
from insyn.organisations.models import OrgUnit
from insyn.retention.forms import RuleForm
from insyn.retention.models import RetentionRule
from insyn.retention.selectors import rules as selectors
from insyn.retention.services import rules as services
from insyn.retention.services.run import retention_run

SHOWN_IDS = 200  # record numbers listed per kind on the dry-run page


class RetentionView(InsynView):
    personal_data = False
    required_action = Action.VIEW_AUDIT

    def municipality(self, pk: int, action: Action = selectors.VIEW) -> OrgUnit:
        found = selectors.municipalities(self.request.user, action).filter(pk=pk).first()
        if found is None:
            raise Http404
        return found


class ManageView(RetentionView):
    required_action = Action.MANAGE_ORG

    def rule(self, pk: int) -> RetentionRule:
        found = selectors.rules(self.request.user, selectors.MANAGE).filter(pk=pk).first()
        if found is None:
            raise Http404
        return found

    def form_page(self, form: RuleForm, rule: RetentionRule | None, status: int) -> HttpResponse:
        return render(
            self.request, "retention/rule_form.html", {"form": form, "rule": rule}, status=status
        )

    def save(self, form: RuleForm, rule: RetentionRule | None) -> HttpResponse:
        if not form.is_valid():
            return self.form_page(form, rule, 400)
        data = form.cleaned_data
        try:
            services.rule_save(
                actor=self.request.user,
                municipality=data["municipality"],
                kind=data["kind"],
                event=data["event"],
                period=data["period"],
                unit=data["unit"],
                keep_birth_days=data["keep_birth_days"],
                active=data["active"],
                note=data["note"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_page(form, rule, 400)
        messages.success(self.request, _("The retention rule is saved."))
        return HttpResponseRedirect(reverse("retention:index"))


class IndexView(RetentionView):
    def get(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        context = {
            "municipalities": selectors.municipalities(user),
            "managed": set(
                selectors.municipalities(user, selectors.MANAGE).values_list("pk", flat=True)
            ),
            "rules": selectors.rules(user).order_by("municipality__name", "kind"),
            "runs": selectors.runs(user),
        }
        return render(request, "retention/index.html", context)


class RuleCreateView(ManageView):
    def municipalities(self) -> Any:
        return selectors.municipalities(self.request.user, selectors.MANAGE)

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.form_page(RuleForm(municipalities=self.municipalities()), None, 200)

    def post(self, request: HttpRequest) -> HttpResponse:
        return self.save(RuleForm(request.POST, municipalities=self.municipalities()), None)


class RuleEditView(ManageView):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        rule = self.rule(pk)
        initial = {
            "municipality": rule.municipality,
            "kind": rule.kind,
            "event": rule.event,
            "period": rule.period,
            "unit": rule.unit,
            "keep_birth_days": rule.keep_birth_days,
            "active": rule.active,
            "note": rule.note,
        }
        form = RuleForm(initial=initial, municipalities=self._one(rule))
        return self.form_page(form, rule, 200)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        rule = self.rule(pk)
        # The rule being edited keeps its municipality and kind (another kind has its own row).
        data = request.POST.copy()
        data["kind"], data["municipality"] = rule.kind, str(rule.municipality_id)
        return self.save(RuleForm(data, municipalities=self._one(rule)), rule)

    def _one(self, rule: RetentionRule) -> Any:
        return OrgUnit.objects.filter(pk=rule.municipality_id)


class RuleDeleteView(ManageView):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        services.rule_delete(actor=request.user, rule=self.rule(pk))
        messages.success(request, _("The retention rule is deleted."))
        return HttpResponseRedirect(reverse("retention:index"))


class DryRunView(RetentionView):
    """POST: list what the rules make due today (logged as a dry run); changes nothing else."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        municipality = self.municipality(pk)
        run, plans = retention_run(
            actor=request.user, municipality=municipality, dry_run=True, include_audit=True
        )
        context = {
            "municipality": municipality,
            "run": run,
            "plans": plans,
            "shown": SHOWN_IDS,
            "can_run": selectors.can_manage(request.user, municipality),
        }
        return render(request, "retention/plan.html", context)


class RunView(RetentionView):
    """POST (administrators): reduce or remove what is due now, audit entries excepted."""

    required_action = Action.MANAGE_ORG

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        municipality = self.municipality(pk, selectors.MANAGE)
        run, _plans = retention_run(
            actor=request.user, municipality=municipality, dry_run=False, include_audit=False
        )
        total = sum(run.counts.values())
        messages.success(
            request,
            _("Retention run %(run)s: %(total)s records reduced or removed.")
            % {"run": run.pk, "total": total},
        )
        return HttpResponseRedirect(reverse("retention:index"))
