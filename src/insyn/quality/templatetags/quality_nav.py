"""`{% quality_subnav %}`: the quality area's own menu (dashboard, deviations, complaints,
action plans, lex Sarah) on its pages, so the main menu carries one "Quality" entry, not five."""

from __future__ import annotations

from typing import Any

from django import template

from insyn.core.navigation import nav_for

register = template.Library()


@register.inclusion_tag("quality/_subnav.html", takes_context=True)
def quality_subnav(context: dict[str, Any]) -> dict[str, Any]:
    request = context.get("request")
    items = nav_for(request, "quality") if request is not None else []
    return {"quality_items": items}
