"""Login with a second factor, password links, the profile page and user administration."""

from __future__ import annotations

import base64
from typing import Any

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from insyn.accounts import services
from insyn.accounts.forms import (
    ApiTokenForm,
    LoginForm,
    MembershipForm,
    TokenForm,
    TwoFactorPolicyForm,
    UserCreateForm,
    UserUpdateForm,
)
from insyn.accounts.models import ApiToken, TwoFactorPolicy, User
from insyn.accounts.oidc import SSO_SESSION_KEY
from insyn.accounts.selectors import confirmed_device, users_for
from insyn.accounts.sso import password_login_allowed
from insyn.core.audit import record_access
from insyn.core.forms import add_service_errors
from insyn.core.roles import Action
from insyn.core.viewmixins import InsynView
from insyn.organisations.models import Membership, OrgUnit
from insyn.organisations.services import membership_grant, membership_revoke


class LoginView(auth_views.LoginView):
    personal_data = False
    template_name = "accounts/login.html"
    redirect_authenticated_user = True
    authentication_form = LoginForm

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            sso_enabled=settings.INSYN_OIDC_ENABLED,
            sso_provider=settings.INSYN_OIDC_PROVIDER_NAME,
            **kwargs,
        )


class LogoutView(auth_views.LogoutView):
    personal_data = False


class OtpSetupView(View):
    """First-time setup of an authenticator app; required before anything else when the
    user's role demands a second factor."""

    personal_data = False

    def _device(self, request: HttpRequest) -> TOTPDevice:
        device_id = request.session.get("otp_setup_device")
        device = TOTPDevice.objects.filter(pk=device_id, user=request.user, confirmed=False).first()
        if device is None:
            device = services.totp_device_start(user=request.user)  # type: ignore[arg-type]
            request.session["otp_setup_device"] = device.pk
        return device

    def _render(self, request: HttpRequest, device: TOTPDevice, form: TokenForm) -> HttpResponse:
        qr = segno.make(device.config_url, error="m")
        svg = qr.svg_data_uri(scale=5, dark="#000", light="#fff")
        secret = base64.b32encode(device.bin_key).decode().rstrip("=")
        return render(
            request,
            "accounts/otp_setup.html",
            {
                "form": form,
                "qr": svg,
                "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            },
        )

    def get(self, request: HttpRequest) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect("accounts:login")
        return self._render(request, self._device(request), TokenForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect("accounts:login")
        device = self._device(request)
        form = TokenForm(request.POST)
        if form.is_valid() and services.totp_device_confirm(
            user=request.user,
            device=device,
            token=form.cleaned_data["token"],
        ):
            request.session.pop("otp_setup_device", None)
            otp_login(request, device)
            messages.success(request, _("Two-factor authentication is set up."))
            return redirect("core:home")
        if form.is_valid():
            form.add_error(
                "token", _("The code did not match. Check the clock on your phone and try again.")
            )
        return self._render(request, device, form)


class OtpVerifyView(View):
    personal_data = False

    def get(self, request: HttpRequest) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect("accounts:login")
        return render(request, "accounts/otp_verify.html", {"form": TokenForm()})

    def post(self, request: HttpRequest) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect("accounts:login")
        form = TokenForm(request.POST)
        device = confirmed_device(request.user)
        if device is None:
            return redirect("accounts:otp_setup")
        if form.is_valid():
            allowed, _info = device.verify_is_allowed()
            if not allowed:
                form.add_error(None, _("Too many wrong codes. Wait a moment and try again."))
            elif device.verify_token(form.cleaned_data["token"].strip()):
                otp_login(request, device)
                return redirect(request.GET.get("next") or "core:home")
            else:
                form.add_error("token", _("The code did not match."))
        return render(request, "accounts/otp_verify.html", {"form": form})


class PasswordSetView(auth_views.PasswordResetConfirmView):
    """The one-time link from an invitation or a reset: choose a password."""

    personal_data = False
    template_name = "accounts/password_set.html"
    success_url = reverse_lazy("accounts:password_set_done")


class PasswordSetDoneView(auth_views.PasswordResetCompleteView):
    personal_data = False
    template_name = "accounts/password_set_done.html"


class PasswordResetView(View):
    """Always answers the same way, so the form does not reveal which addresses have accounts."""

    personal_data = False

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, "accounts/password_reset.html", {"form": PasswordResetForm()})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = PasswordResetForm(request.POST)
        if not form.is_valid():
            return render(request, "accounts/password_reset.html", {"form": form})
        for user in form.get_users(form.cleaned_data["email"]):
            if password_login_allowed(user):  # no password to reset where SSO is the only way
                services.send_password_link(user=user, invitation=False)
        return render(request, "accounts/password_reset_done.html")


class ProfileView(InsynView):
    required_action = None
    personal_data = False  # the user's own account

    def _render(self, request: HttpRequest, token_form: ApiTokenForm) -> HttpResponse:
        user: User = request.user  # type: ignore[assignment]
        return render(
            request,
            "accounts/profile.html",
            {
                "memberships": user.memberships.select_related("org_unit"),
                "device": confirmed_device(user),
                "token": ApiToken.objects.filter(user=user).first(),
                "token_form": token_form,
                "new_key": request.session.pop("new_api_key", None),
                "now": timezone.now(),
            },
            status=400 if token_form.errors else 200,
        )

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._render(request, ApiTokenForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        user: User = request.user  # type: ignore[assignment]
        if request.POST.get("op") == "renew_token":
            form = ApiTokenForm(request.POST)
            if not form.is_valid():
                return self._render(request, form)
            verified = getattr(user, "is_verified", None)
            try:
                request.session["new_api_key"] = services.api_token_renew(
                    user=user,
                    days=form.cleaned_data["days"],
                    read_only=form.cleaned_data["read_only"],
                    # an SSO session proved its second factor at the identity provider
                    second_factor_verified=bool(verified and verified())
                    or bool(request.session.get(SSO_SESSION_KEY)),
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
                return self._render(request, form)
            messages.success(
                request, _("A new API token was created. Copy it now; it is not shown again.")
            )
        elif request.POST.get("op") == "revoke_token":
            services.api_token_revoke(user=user)
            messages.success(request, _("The API token was revoked."))
        return redirect("accounts:profile")


class UserListView(InsynView):
    personal_data = True
    required_action = Action.MANAGE_USERS

    def get(self, request: HttpRequest) -> HttpResponse:
        qs = (
            users_for(request.user)
            .select_related("organisation")
            .prefetch_related("memberships__org_unit")
        )
        q = request.GET.get("q", "").strip()
        if q:
            qs = qs.filter(username__icontains=q) | qs.filter(last_name__icontains=q)
        users = list(qs[:500])
        record_access(actor=request.user, action="list", objects=users, model=User)
        return render(request, "accounts/users.html", {"users": users, "q": q})


class UserCreateView(InsynView):
    """Staff accounts are personal data too: the form shows what the admin typed about a
    person, and a successful POST records the new account (`user_create`)."""

    personal_data = True
    required_action = Action.MANAGE_USERS

    def _render(
        self, request: HttpRequest, form: UserCreateForm, status: int = 200
    ) -> HttpResponse:
        record_access(actor=request.user, action="view", model=User, detail={"form": "create"})
        return render(request, "accounts/user_create.html", {"form": form}, status=status)

    def _form(self, request: HttpRequest, data: Any = None) -> UserCreateForm:
        organisations = OrgUnit.objects.restrict(request.user, Action.MANAGE_USERS).filter(
            kind__in=OrgUnit.REFERENCE_KINDS
        )
        return UserCreateForm(data, organisations=organisations)

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._render(request, self._form(request))

    def post(self, request: HttpRequest) -> HttpResponse:
        form = self._form(request, request.POST)
        if form.is_valid():
            try:
                user = services.user_create(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The account was created and an invitation sent."))
                return redirect("accounts:user_detail", pk=user.pk)
        return self._render(request, form, status=400)


class UserDetailView(InsynView):
    """One account: details, memberships, second factor, invitation."""

    personal_data = True
    required_action = Action.MANAGE_USERS

    def _user(self, request: HttpRequest, pk: int) -> User:
        return get_object_or_404(users_for(request.user), pk=pk)

    def _render(self, request: HttpRequest, target: User, **forms: Any) -> HttpResponse:
        org_units = OrgUnit.objects.restrict(request.user, Action.MANAGE_USERS).filter(active=True)
        context = {
            "target": target,
            "memberships": target.memberships.select_related("org_unit"),
            "has_device": TOTPDevice.objects.filter(user=target, confirmed=True).exists(),
            "form": forms.get("form")
            or UserUpdateForm(
                initial={
                    "first_name": target.first_name,
                    "last_name": target.last_name,
                    "email": target.email,
                    "is_active": target.is_active,
                }
            ),
            "membership_form": forms.get("membership_form") or MembershipForm(org_units=org_units),
        }
        status = 400 if forms else 200
        return render(request, "accounts/user_detail.html", context, status=status)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        target = self._user(request, pk)
        record_access(actor=request.user, action="view", objects=[target])
        return self._render(request, target)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        target = self._user(request, pk)
        op = request.POST.get("op")
        # Every operation acts on (and a re-rendered form shows) this person's account.
        record_access(actor=request.user, action="view", objects=[target], detail={"op": op})
        try:
            if op == "update":
                form = UserUpdateForm(request.POST)
                if not form.is_valid():
                    return self._render(request, target, form=form)
                services.user_update(actor=request.user, user=target, **form.cleaned_data)
                messages.success(request, _("Saved."))
            elif op == "grant":
                org_units = OrgUnit.objects.restrict(request.user, Action.MANAGE_USERS)
                mform = MembershipForm(request.POST, org_units=org_units)
                if not mform.is_valid():
                    return self._render(request, target, membership_form=mform)
                try:
                    membership_grant(actor=request.user, user=target, **mform.cleaned_data)
                except ValidationError as exc:
                    add_service_errors(mform, exc)
                    return self._render(request, target, membership_form=mform)
                messages.success(request, _("The role was granted."))
            elif op == "revoke":
                membership = get_object_or_404(
                    Membership.objects.restrict(request.user, Action.MANAGE_USERS).filter(
                        user=target
                    ),
                    pk=request.POST.get("membership"),
                )
                membership_revoke(actor=request.user, membership=membership)
                messages.success(request, _("The role was removed."))
            elif op == "invite":
                services.send_password_link(
                    user=target, invitation=not target.has_usable_password()
                )
                messages.success(request, _("A link to choose a password was sent."))
            elif op == "reset_2fa":
                services.user_reset_second_factor(actor=request.user, user=target)
                messages.success(
                    request, _("Two-factor devices removed; a new one is set up at next login.")
                )
            else:
                raise Http404
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect(reverse("accounts:user_detail", kwargs={"pk": target.pk}))


class TwoFactorPolicyView(InsynView):
    """Which roles must use a second factor, per municipality or region the admin manages."""

    personal_data = False  # a rule per role, no one's account
    required_action = Action.MANAGE_USERS

    def _organisations(self, request: HttpRequest) -> Any:
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

    def _current(self, organisation: OrgUnit) -> dict[str, bool]:
        return dict(
            TwoFactorPolicy.objects.filter(organisation=organisation).values_list(
                "role", "required"
            )
        )

    def _render(
        self, request: HttpRequest, organisation: OrgUnit, form: Any, status: int = 200
    ) -> HttpResponse:
        return render(
            request,
            "accounts/two_factor_policy.html",
            {
                "form": form,
                "organisation": organisation,
                "organisations": self._organisations(request),
            },
            status=status,
        )

    def get(self, request: HttpRequest) -> HttpResponse:
        organisation = self._organisation(request)
        return self._render(
            request, organisation, TwoFactorPolicyForm(current=self._current(organisation))
        )

    def post(self, request: HttpRequest) -> HttpResponse:
        organisation = self._organisation(request)
        form = TwoFactorPolicyForm(request.POST, current=self._current(organisation))
        if not form.is_valid():
            return self._render(request, organisation, form, status=400)
        for role, required in form.cleaned_data.items():
            services.two_factor_policy_set(
                actor=request.user, organisation=organisation, role=role, required=required
            )
        messages.success(request, _("The two-factor policy was saved."))
        return redirect(f"{reverse('accounts:two_factor_policy')}?organisation={organisation.pk}")
