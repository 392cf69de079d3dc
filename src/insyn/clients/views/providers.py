"""The provider register, kept by administrators of each municipality (no personal data)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from insyn.clients import selectors, services
from insyn.clients.forms import ProviderForm
from insyn.clients.models import Provider
from insyn.core.forms import add_service_errors
from insyn.core.roles import Action
from insyn.core.viewmixins import InsynView


class ProviderView(InsynView):
    personal_data = False
    required_action = Action.DESIGN

    @classmethod
    def allows(cls, user: Any) -> bool:
        """Design rights below a municipality keep no register (the menu hides it alike)."""
        return super().allows(user) and selectors.keeps_provider_register(user)

    def municipality(self, request: HttpRequest) -> Any:
        municipalities = list(selectors.design_municipalities(request.user))
        if not municipalities:
            raise Http404
        wanted = request.GET.get("municipality") or request.POST.get("municipality")
        for m in municipalities:
            if str(m.pk) == wanted:
                return m
        return municipalities[0]


class ProviderListView(ProviderView):
    def get(self, request: HttpRequest) -> HttpResponse:
        municipality = self.municipality(request)
        providers = selectors.providers_managed_by(request.user)
        editable = {p.pk for p in providers if selectors.can_edit_provider(request.user, p)}
        return render(
            request,
            "clients/provider_list.html",
            {"providers": providers, "editable": editable, "municipality": municipality},
        )


class ProviderCreateView(ProviderView):
    def _render(self, request: HttpRequest, form: ProviderForm, status: int = 200) -> Any:
        return render(
            request,
            "clients/provider_form.html",
            {"form": form, "municipality": self.municipality(request)},
            status=status,
        )

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._render(request, ProviderForm(types=selectors.active_intervention_types()))

    def post(self, request: HttpRequest) -> HttpResponse:
        form = ProviderForm(request.POST, types=selectors.active_intervention_types())
        if form.is_valid():
            try:
                provider = services.provider_create(
                    actor=request.user, municipality=self.municipality(request), **form.cleaned_data
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("%(name)s was added.") % {"name": provider.name})
                return redirect("clients:provider_list")
        return self._render(request, form, status=400)


class ProviderUpdateView(ProviderView):
    def _provider(self, request: HttpRequest, pk: int) -> Provider:
        provider = get_object_or_404(selectors.providers_managed_by(request.user), pk=pk)
        if not selectors.can_edit_provider(request.user, provider):
            raise Http404
        return provider

    def _render(
        self, request: HttpRequest, provider: Provider, form: ProviderForm, status: int = 200
    ) -> HttpResponse:
        return render(
            request,
            "clients/provider_form.html",
            {"form": form, "provider": provider},
            status=status,
        )

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        provider = self._provider(request, pk)
        form = ProviderForm(
            types=selectors.active_intervention_types(),
            editing=True,
            initial={
                "name": provider.name,
                "org_number": provider.org_number,
                "active": provider.active,
                "intervention_types": list(provider.intervention_types.all()),
            },
        )
        return self._render(request, provider, form)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        provider = self._provider(request, pk)
        form = ProviderForm(request.POST, types=selectors.active_intervention_types(), editing=True)
        if form.is_valid():
            try:
                services.provider_update(actor=request.user, provider=provider, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Saved."))
                return redirect("clients:provider_list")
        return self._render(request, provider, form, status=400)
