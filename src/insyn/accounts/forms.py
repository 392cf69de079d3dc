from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from insyn.accounts.models import ApiToken
from insyn.accounts.sso import password_login_allowed
from insyn.core.roles import Role
from insyn.organisations.models import OrgUnit

SSO_ONLY = _(
    "Your organisation logs in through single sign-on: use the button for your organisation's "
    "account below. Passwords in insyn are turned off."
)


class LoginForm(AuthenticationForm):
    """Refuses a correct password when the user's municipality turned local passwords off (told
    only after the password is right, so the message reveals nothing to a guesser)."""

    def confirm_login_allowed(self, user: Any) -> None:
        super().confirm_login_allowed(user)
        if not password_login_allowed(user):
            raise ValidationError(SSO_ONLY, code="sso_only")


class AdminLoginForm(AdminAuthenticationForm):
    def confirm_login_allowed(self, user: Any) -> None:
        super().confirm_login_allowed(user)
        if not password_login_allowed(user):
            raise ValidationError(SSO_ONLY, code="sso_only")


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Code from your authenticator app"),
        max_length=8,
        min_length=6,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9]*"}
        ),
    )


class ApiTokenForm(forms.Form):
    days = forms.IntegerField(
        label=_("Valid for (days)"),
        min_value=1,
        max_value=ApiToken.MAX_DAYS,
        initial=ApiToken.DEFAULT_DAYS,
        required=False,
        help_text=_("At most 365 days. A new token replaces the old one."),
    )
    read_only = forms.BooleanField(
        label=_("Read only"),
        required=False,
        help_text=_("The token may only read data (GET), never change anything."),
    )

    def clean_days(self) -> int:
        days = self.cleaned_data.get("days")
        return ApiToken.DEFAULT_DAYS if days is None else int(days)


class UserCreateForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    email = forms.EmailField(
        label=_("E-mail"), help_text=_("The invitation with a link to choose a password goes here.")
    )
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=OrgUnit.objects.none())

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]
        self.fields["username"].widget.attrs["autocomplete"] = "off"


class UserUpdateForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    email = forms.EmailField(label=_("E-mail"))
    is_active = forms.BooleanField(label=_("Active"), required=False)


class MembershipForm(forms.Form):
    org_unit = forms.ModelChoiceField(label=_("Organisation unit"), queryset=OrgUnit.objects.none())
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)

    def __init__(self, *args: Any, org_units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = org_units  # type: ignore[attr-defined]
        self.fields["org_unit"].label_from_instance = lambda u: (  # type: ignore[attr-defined]
            f"{'  ' * max(u.depth - 2, 0)}{u.name} ({u.get_kind_display().lower()})"
        )


class TwoFactorPolicyForm(forms.Form):
    def __init__(self, *args: Any, current: dict[str, bool], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for value, label in Role.choices:
            self.fields[value] = forms.BooleanField(
                label=label, required=False, initial=current.get(value, False)
            )


class SsoRuleForm(forms.Form):
    value = forms.CharField(
        label=_("Group or claim value"),
        max_length=255,
        help_text=_("E.g. the group's object id in Entra ID or the group name in Keycloak."),
    )
    claim = forms.CharField(
        label=_("Claim"),
        max_length=100,
        required=False,
        help_text=_("Leave empty for the group claim (%(claim)s)."),
    )
    org_unit = forms.ModelChoiceField(label=_("Organisation unit"), queryset=OrgUnit.objects.none())
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)

    def __init__(self, *args: Any, org_units: Any, groups_claim: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = org_units  # type: ignore[attr-defined]
        self.fields["org_unit"].label_from_instance = lambda u: (  # type: ignore[attr-defined]
            f"{'  ' * max(u.depth - 2, 0)}{u.name} ({u.get_kind_display().lower()})"
        )
        self.fields["claim"].help_text = self.fields["claim"].help_text % {"claim": groups_claim}


class LoginPolicyForm(forms.Form):
    local_passwords = forms.BooleanField(
        label=_("Local passwords allowed"),
        required=False,
        help_text=_(
            "Off: the staff of this organisation can only log in through single sign-on "
            "(superusers keep their password as a break-glass account)."
        ),
    )
