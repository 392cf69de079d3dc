"""Holds a session that owes a second factor at the 2FA pages until it has proved one."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from insyn.accounts.selectors import confirmed_device, needs_second_factor

OPEN_PREFIXES = ("/static/", "/healthz", "/i18n/", "/api/")


class TwoFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(OPEN_PREFIXES)
            and needs_second_factor(request, user)
        ):
            allowed = {
                reverse("accounts:logout"),
                reverse("accounts:otp_setup"),
                reverse("accounts:otp_verify"),
            }
            if request.path not in allowed:
                target = "accounts:otp_verify" if confirmed_device(user) else "accounts:otp_setup"
                return redirect(target)
        return self.get_response(request)
