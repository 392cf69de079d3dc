"""Class-based view bases. Every insyn view says whether it serves personal data; those that do
record their reads, and the audit guard checks that they did."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import Http404, HttpRequest, HttpResponseBase
from django.views import View
from django.views.generic import DetailView, ListView

from insyn.core.audit import record_access, record_denied
from insyn.core.roles import Action
from insyn.core.scoping import has_action


def get_scoped_object_or_404(
    user: Any,
    queryset: models.QuerySet,
    unrestricted: models.QuerySet | models.Manager | None = None,
    **lookup: Any,
) -> Any:
    """`get_object_or_404(queryset, **lookup)` for a restricted queryset, which also records
    a "denied" access entry when the object exists outside the user's scope.

    The answer is the very same 404 as for a missing object (same exception, same message);
    only the audit trail tells them apart. `unrestricted` defaults to the model's base
    manager.
    """
    model = queryset.model
    try:
        return queryset.get(**lookup)
    except model.DoesNotExist:
        note_denied(user, unrestricted if unrestricted is not None else model._base_manager, lookup)
        raise Http404(
            f"No {model._meta.object_name} matches the given query."  # as get_object_or_404
        ) from None


def note_denied(user: Any, unrestricted: models.QuerySet | models.Manager, lookup: Any) -> None:
    """Record a denied attempt if `lookup` names an object that exists (outside scope)."""
    try:
        obj = unrestricted.filter(**lookup).first()
    except (ValueError, TypeError, ValidationError):
        return
    if obj is not None:
        record_denied(actor=user, obj=obj)


class InsynView(LoginRequiredMixin, View):
    """Logged-in view that needs `required_action` somewhere in the org tree, and declares
    `personal_data` (there is no default: see `AuditGuardMiddleware`).

    A user who lacks the action entirely gets 404, the same as for a missing object, so the
    address does not reveal what exists.
    """

    # Must be declared by every view (True/False): no default, so a new view cannot slip past
    # the audit guard. A view that shows anyone's data (even a client reference in a list)
    # says True and records its reads; the guard and the completeness test check both.
    personal_data: ClassVar[bool]
    required_action: ClassVar[Action | None] = Action.VIEW_ORG

    @classmethod
    def allows(cls, user: Any) -> bool:
        """Whether `user` may open this page at all (the menu asks the same question)."""
        return cls.required_action is None or has_action(user, cls.required_action)

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not self.allows(request.user):
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class ScopedQuerysetMixin:
    """`get_queryset()` is always restricted to what the user may do with `required_action`."""

    model: Any
    required_action: ClassVar[Action | None]
    request: HttpRequest

    def base_queryset(self) -> models.QuerySet:
        return self.model._default_manager.all()

    def get_queryset(self) -> models.QuerySet:
        if self.required_action is None:
            raise PermissionDenied
        return self.base_queryset().restrict(self.request.user, self.required_action)  # type: ignore[attr-defined]

    def get_object(self, queryset: models.QuerySet | None = None) -> models.Model:
        """DetailView's lookup by pk/slug, recording a denied attempt outside scope."""
        try:
            return super().get_object(queryset)  # type: ignore[misc]
        except Http404:
            kwargs = getattr(self, "kwargs", {})
            lookup = {k: v for k, v in kwargs.items() if k in ("pk", "slug")}
            if lookup and queryset is None:
                note_denied(self.request.user, self.base_queryset(), lookup)
            raise


class AuditedDetailView(ScopedQuerysetMixin, InsynView, DetailView):
    personal_data = True
    required_action = Action.VIEW_INDIVIDUAL

    def get_object(self, queryset: models.QuerySet | None = None) -> models.Model:
        obj = super().get_object(queryset)
        record_access(
            actor=self.request.user,
            action="view",
            objects=[obj],
            purpose=self.request.GET.get("purpose", ""),
        )
        return obj


class AuditedListView(ScopedQuerysetMixin, InsynView, ListView):
    personal_data = True
    required_action = Action.VIEW_INDIVIDUAL
    paginate_by = 50

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        record_access(
            actor=self.request.user,
            action="list",
            objects=list(context["object_list"]),
            model=self.model,
            purpose=self.request.GET.get("purpose", ""),
        )
        return context


def declare(personal_data: bool) -> Any:
    """For function views: `@declare(personal_data=False)`."""

    def wrap(fn: Any) -> Any:
        fn.personal_data = personal_data
        return fn

    return wrap
