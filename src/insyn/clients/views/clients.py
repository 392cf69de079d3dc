"""Finding and registering clients, and the client page with the journey on a timeline."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from insyn.clients import selectors, services
from insyn.clients.forms import (
    ClientEditForm,
    ClientRegisterForm,
    ClientSearchForm,
    IdentitySearchForm,
)
from insyn.clients.models import Client
from insyn.clients.views.base import ClientsView
from insyn.core.concurrency import VersionConflict
from insyn.core.forms import add_service_errors
from insyn.core.identity import parse_identity
from insyn.core.roles import Action
from insyn.core.scoping import has_action

OFFER_SALT = "insyn.clients.existing-client"
OFFER_MAX_AGE = 3600


def offer_token(user_pk: int, client_pk: int) -> str:
    """A signed, short-lived permission for this user to open a case for a client they proved
    to know (by the identity number) but cannot see yet."""
    return signing.dumps({"c": client_pk, "u": user_pk}, salt=OFFER_SALT)


def make_offer(request: HttpRequest, client: Client) -> str:
    return offer_token(int(request.user.pk or 0), client.pk)


def read_offer(request: HttpRequest, token: str) -> Client:
    try:
        data = signing.loads(token, salt=OFFER_SALT, max_age=OFFER_MAX_AGE)
    except signing.BadSignature as exc:
        raise Http404 from exc
    if data.get("u") != request.user.pk:
        raise Http404
    client = selectors.client_offered(data.get("c"))
    if client is None:
        raise Http404
    return client


class ClientListView(ClientsView):
    """Clients the user may see; search by client reference (GET) or by identity number
    (POST, so the number never appears in an address or a log)."""

    def _render(
        self,
        request: HttpRequest,
        identity_form: IdentitySearchForm,
        offer: str = "",
        status: int = 200,
    ) -> HttpResponse:
        search = ClientSearchForm(request.GET or None)
        q = search.cleaned_data["q"] if search.is_valid() else ""
        page = Paginator(selectors.clients_for(request.user, q=q), 50).get_page(
            request.GET.get("page")
        )
        self.audit("list", list(page.object_list), model=Client, detail={"q": q})
        return render(
            request,
            "clients/client_list.html",
            {
                "search": search,
                "identity_form": identity_form,
                "page": page,
                "q": q,
                "query": f"q={q}" if q else "",
                "offer": offer,
                "can_register": has_action(request.user, Action.CHANGE_INDIVIDUAL),
            },
            status=status,
        )

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._render(request, IdentitySearchForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        form = IdentitySearchForm(request.POST)
        if not form.is_valid():
            return self._render(request, form, status=400)
        try:
            identity = parse_identity(form.cleaned_data["personnummer"])
        except ValidationError as exc:
            add_service_errors(form, ValidationError({"personnummer": exc.messages}))
            return self._render(request, form, status=400)
        found = list(selectors.clients_for(request.user).filter(person_key=identity.person_key))
        self.audit("list", found, model=Client, detail={"search": "identity"})
        if found:
            return redirect("clients:client_detail", pk=found[0].pk)
        other = None
        if has_action(request.user, Action.CHANGE_INDIVIDUAL):
            other = selectors.client_registered_elsewhere(request.user, identity.person_key)
        if other is not None:
            self.audit("view", [other], detail={"search": "identity", "offer": True})
            messages.info(
                request,
                _(
                    "The person is registered by another unit. You can open a case for the "
                    "person in your unit."
                ),
            )
            return self._render(request, IdentitySearchForm(), offer=make_offer(request, other))
        messages.info(request, _("No client with that number among the clients you can see."))
        return self._render(request, IdentitySearchForm())


class ClientRegisterView(ClientsView):
    required_action = Action.CHANGE_INDIVIDUAL

    def _form(self, data: Any = None) -> ClientRegisterForm:
        return ClientRegisterForm(
            data,
            units=self.entry_units(),
            initial={"unit": selectors.default_unit(self.request.user)},
        )

    def _render(
        self, request: HttpRequest, form: ClientRegisterForm, status: int = 200, **extra: Any
    ) -> HttpResponse:
        self.audit("view", [], model=Client, detail={"form": "register"})
        return render(
            request, "clients/client_register.html", {"form": form, **extra}, status=status
        )

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._render(request, self._form())

    def post(self, request: HttpRequest) -> HttpResponse:
        form = self._form(request.POST)
        if not form.is_valid():
            return self._render(request, form, status=400)
        data = form.cleaned_data
        try:
            client = services.client_register(
                actor=request.user,
                unit=data["unit"],
                personnummer="" if data["no_number"] else data["personnummer"],
                birth_date=data["birth_date"],
                sex=data["sex"] or "",
                client_ref=data["client_ref"],
            )
        except services.DuplicateClient as dup:
            add_service_errors(form, dup)
            visible = selectors.client_visible(request.user, dup.client.pk)
            self.audit("view", [dup.client], detail={"duplicate": True})
            return self._render(
                request,
                form,
                status=409,
                existing=visible,
                offer=make_offer(request, dup.client),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self._render(request, form, status=400)
        messages.success(
            request,
            _("Client %(ref)s was registered. Open a case for the client.")
            % {"ref": client.client_ref},
        )
        return redirect("clients:case_open", pk=client.pk)


class ClientDetailView(ClientsView):
    """The client's journey: cases, decisions, interventions, follow-up occasions."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        client = self.get_client(pk)
        journey = selectors.client_journey(request.user, client)
        self.audit("view", journey.shown_objects())
        changeable_cases, can_edit = selectors.journey_changes(request.user, journey)
        return render(
            request,
            "clients/client_detail.html",
            {
                "client": client,
                "journey": journey,
                "timeline": journey.timeline(),
                "changeable_cases": changeable_cases,
                "can_open_case": selectors.entry_units(request.user).exists(),
                "can_edit": can_edit,
            },
        )


class ClientEditView(ClientsView):
    """Correct the reference, add a number to a reserve identity, or correct birth date and
    sex of a client without a number."""

    required_action = Action.CHANGE_INDIVIDUAL

    def _render(
        self, request: HttpRequest, client: Client, form: ClientEditForm, status: int = 200
    ) -> HttpResponse:
        self.audit("view", [client])
        return render(
            request, "clients/client_edit.html", {"client": client, "form": form}, status=status
        )

    @staticmethod
    def _initial(client: Client) -> dict[str, Any]:
        initial: dict[str, Any] = {"client_ref": client.client_ref}
        if not client.person_key:
            initial.update(birth_date=client.birth_date, sex=client.sex)
        return initial

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        client = self.get_client(pk, Action.CHANGE_INDIVIDUAL)
        form = ClientEditForm(initial=self._initial(client))
        form.track(client)
        return self._render(request, client, form)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        client = self.get_client(pk, Action.CHANGE_INDIVIDUAL)
        form = ClientEditForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.client_update(
                    actor=request.user,
                    client=client,
                    client_ref=data["client_ref"],
                    personnummer=data["personnummer"],
                    birth_date=data["birth_date"],
                    sex=data["sex"] or "",
                    expected_version=form.expected_version,
                )
            except VersionConflict as exc:
                form.show_conflict(exc, self._initial(client))
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Saved."))
                return redirect("clients:client_detail", pk=client.pk)
        return self._render(request, client, form, status=400)
