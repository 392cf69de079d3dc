"""Single sign-on pages: the rules and login policy an administrator keeps, and the page for a
login whose claims gave no role."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from insyn.accounts import sso
from insyn.accounts.forms import LoginPolicyForm, SsoRuleForm
from insyn.accounts.models import LoginPolicy, SsoGroupRule
from insyn.accounts.oidc import SSO_CLAIMS_KEY
from insyn.core.forms import add_service_errors
from insyn.core.roles import Action
from insyn.core.viewmixins import InsynView
from insyn.organisations.models import OrgUnit


class NoAccessView(LoginRequiredMixin, View):
    """Logged in, but no role anywhere: every organisation page answers 404 for this account."""

    personal_data = False  # the user's own group values, no one else's

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(
            request,
            "accounts/sso_no_access.html",
            {
                "claim_values": request.session.get(SSO_CLAIMS_KEY, []),
                "groups_claim": settings.INSYN_OIDC_GROUPS_CLAIM,
                "has_roles": request.user.memberships.exists(),  # type: ignore[union-attr]
            },
        )


class SsoSettingsView(InsynView):
    """Per municipality: which groups give which roles, and whether passwords still work."""

    personal_data = False  # rules and a policy, no one's account
    required_action = Action.MANAGE_USERS

    def _organisations(self, request: HttpRequest) -> QuerySet[OrgUnit]:
        return OrgUnit.objects.restrict(request.user, Action.MANAGE_USERS).filter(
            kind__in=OrgUnit.REFERENCE_KINDS
        )

    def _organisation(self, request: HttpRequest) -> OrgUnit:
        organisations = self._organisations(request)
        org_id = request.POST.get("organisation") or request.GET.get("organisation")
        if org_id:
            return get_object_or_404(organisations, pk=org_id)
        first = organisations.order_by("depth", "name").first()
        if first is None:
            raise Http404
        return first

    def _rule_form(self, request: HttpRequest, organisation: OrgUnit, data: Any = None) -> Any:
        units = OrgUnit.objects.restrict(request.user, Action.MANAGE_USERS).filter(
            path__startswith=organisation.path, active=True
        )
        return SsoRuleForm(data, org_units=units, groups_claim=settings.INSYN_OIDC_GROUPS_CLAIM)

    def _render(
        self, request: HttpRequest, organisation: OrgUnit, status: int = 200, **forms: Any
    ) -> HttpResponse:
        policy = LoginPolicy.objects.filter(organisation=organisation).first()
        rules = SsoGroupRule.objects.restrict(request.user, Action.MANAGE_USERS).filter(
            municipality=organisation
        )
        return render(
            request,
            "accounts/sso_settings.html",
            {
                "organisation": organisation,
                "organisations": self._organisations(request),
                "rules": rules.select_related("org_unit"),
                "sso_enabled": settings.INSYN_OIDC_ENABLED,
                "groups_claim": settings.INSYN_OIDC_GROUPS_CLAIM,
                "rule_form": forms.get("rule_form") or self._rule_form(request, organisation),
                "policy_form": forms.get("policy_form")
                or LoginPolicyForm(
                    initial={"local_passwords": policy.local_passwords if policy else True}
                ),
            },
            status=status,
        )

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._render(request, self._organisation(request))

    def post(self, request: HttpRequest) -> HttpResponse:
        organisation = self._organisation(request)
        op = request.POST.get("op")
        if op == "add_rule":
            form = self._rule_form(request, organisation, request.POST)
            if not form.is_valid():
                return self._render(request, organisation, 400, rule_form=form)
            try:
                sso.sso_rule_create(
                    actor=request.user, municipality=organisation, **form.cleaned_data
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
                return self._render(request, organisation, 400, rule_form=form)
            messages.success(
                request, _("The rule was added. It applies from each user's next login.")
            )
        elif op == "delete_rule":
            rule = get_object_or_404(
                SsoGroupRule.objects.restrict(request.user, Action.MANAGE_USERS),
                pk=request.POST.get("rule"),
                municipality=organisation,
            )
            sso.sso_rule_delete(actor=request.user, rule=rule)
            messages.success(
                request, _("The rule was removed. The roles it gave go at each user's next login.")
            )
        elif op == "policy":
            pform = LoginPolicyForm(request.POST)
            if not pform.is_valid():
                return self._render(request, organisation, 400, policy_form=pform)
            sso.login_policy_set(
                actor=request.user,
                organisation=organisation,
                local_passwords=pform.cleaned_data["local_passwords"],
            )
            messages.success(request, _("The login policy was saved."))
        else:
            raise Http404
        return redirect(f"{reverse('accounts:sso_settings')}?organisation={organisation.pk}")
