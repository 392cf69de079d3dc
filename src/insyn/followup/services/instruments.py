"""Instrument catalogue changes that reach recorded answers.

An instrument item's answer set can be replaced in the catalogue (AUDIT's items moved from the
shared "0 poäng … 4 poäng" sets to their own answer alternatives). A recorded answer points at
an option of the old set; it moves to the option with the same code in the new set, which must
carry the same points, so no answer, total or band changes — only the words it is shown with.
If the new set lacks a code in use or scores it differently, the catalogue load is refused
(nothing is half-moved: the load runs in one transaction).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from insyn.followup.models import InstrumentItem, Option, OptionSet, Value


@transaction.atomic
def instrument_item_answers_move(*, item: InstrumentItem, previous: OptionSet) -> int:
    """Point the item's recorded answers at its new answer set, code for code; the number of
    answers moved. Like relabelling an option in place, this writes no change entry: no
    client's answer, total or band changes (same code, same points), only the catalogue's
    wording does, and the catalogue file itself is the record of that."""
    new_options = {o.code: o for o in item.option_set.options.all()}
    used = Option.objects.filter(
        pk__in=Value.objects.filter(item=item, option__option_set=previous).values("option")
    )
    moves: dict[int, Option] = {}
    for old in used:
        new = new_options.get(old.code)
        if new is None or new.value != old.value:
            raise ValidationError(
                _(
                    "Item %(item)s of %(instrument)s has answers with the code %(code)s, which "
                    "the answer set %(set)s lacks or scores differently; the catalogue was not "
                    "loaded."
                )
                % {
                    "item": item.key,
                    "instrument": item.instrument.key,
                    "code": old.code,
                    "set": item.option_set.key,
                }
            )
        moves[old.pk] = new
    moved = 0
    for old_pk, new in moves.items():
        moved += Value.objects.filter(item=item, option_id=old_pk).update(option=new)
    return moved


def on_item_changed(row: models.Model, before: dict[str, Any]) -> None:
    """Catalogue load hook (registered in FollowupConfig.ready)."""
    previous = before.get("option_set")
    if isinstance(row, InstrumentItem) and isinstance(previous, OptionSet):
        instrument_item_answers_move(item=row, previous=previous)
