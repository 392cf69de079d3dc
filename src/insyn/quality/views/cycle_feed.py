"""The personal iCalendar feed: a page with the user's private address (and a button to renew
it, which makes the old address answer 404), and the feed itself at
/quality/cycle/feed/<token>.ics. Calendar apps do not log in, so the feed is reached by its
secret token alone; an unknown or renewed token answers the same 404. The feed holds the
user's own cycle tasks and open action items, names no client, and is not personal data."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from insyn.accounts.models import User
from insyn.core.roles import Action
from insyn.core.viewmixins import InsynView
from insyn.quality.models import CalendarFeed
from insyn.quality.selectors import cycle as selectors
from insyn.quality.services import cycle as services
from insyn.quality.services.cycle_ical import CalendarEvent, calendar_text

TOKEN_MAX = 64


def _absolute(request: HttpRequest, location: str) -> str:
    base = getattr(settings, "INSYN_BASE_URL", "") or ""
    return base.rstrip("/") + location if base else request.build_absolute_uri(location)


def feed_events(request: HttpRequest, user: User) -> list[CalendarEvent]:
    today = timezone.localdate()
    host = request.get_host().split(":")[0] or "insyn"
    events = []
    for task in selectors.feed_tasks(user, today).select_related("activity"):
        a = task.activity
        parts = [a.description, _("Reported to: %(x)s") % {"x": a.get_reported_to_display()}]
        if a.method:
            parts.append(_("Method: %(x)s") % {"x": a.method})
        parts.append(_("Status: %(x)s") % {"x": task.get_status_display()})
        if task.note:
            parts.append(task.note)
        events.append(
            CalendarEvent(
                uid=f"cycle-task-{task.pk}@{host}",
                day=task.due_on,
                summary=a.title,
                description="\n".join(p for p in parts if p),
                url=_absolute(request, reverse("quality:cycle_task", args=[task.pk])),
                status="CANCELLED" if task.status == task.Status.CANCELLED else "CONFIRMED",
                categories=str(_("Annual cycle")),
            )
        )
    for item in selectors.feed_action_items(user):
        item_path = reverse("quality:action_plan", args=[item.plan_id]) + f"#item-{item.pk}"
        events.append(
            CalendarEvent(
                uid=f"action-item-{item.pk}@{host}",
                day=item.due_on,
                summary=item.activity.splitlines()[0][:200] if item.activity else "",
                description=_("Action plan: %(x)s") % {"x": item.plan.title},
                url=_absolute(request, item_path),
                categories=str(_("Action item")),
            )
        )
    return events


class FeedView(View):
    """GET /quality/cycle/feed/<token>.ics: no login, the token is the key."""

    personal_data = False

    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        if len(token) > TOKEN_MAX:
            raise Http404
        feed = (
            CalendarFeed.objects.filter(token=token, user__is_active=True)
            .select_related("user")
            .first()
        )
        if feed is None:
            raise Http404
        name = str(_("insyn – annual cycle"))
        text = calendar_text(name, feed_events(request, feed.user), timezone.now())
        response = HttpResponse(text.encode("utf-8"), content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = 'inline; filename="insyn.ics"'
        response["Cache-Control"] = "private, no-store"
        response["X-Robots-Tag"] = "noindex"
        return response


class FeedPageView(InsynView):
    """The user's own feed address, and renewal."""

    personal_data = False
    required_action = Action.VIEW_ORG
    template_name = "quality/cycle/feed.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        feed = services.feed_for(request.user)  # type: ignore[arg-type]
        url = _absolute(request, reverse("quality:cycle_feed", args=[feed.token]))
        return render(request, self.template_name, {"feed_url": url})

    def post(self, request: HttpRequest) -> HttpResponse:
        services.feed_renew(actor=request.user)  # type: ignore[arg-type]
        messages.success(
            request, _("Your calendar has a new address; the old one no longer works.")
        )
        return HttpResponseRedirect(reverse("quality:cycle_feed_page"))


urlpatterns: list[URLPattern] = [
    path("cycle/feed/", FeedPageView.as_view(), name="cycle_feed_page"),
    path("cycle/feed/<str:token>.ics", FeedView.as_view(), name="cycle_feed"),
]
