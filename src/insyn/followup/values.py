"""Parsing and validating recorded values, shared by the occasion form, the API and the import,
so one rule set decides what a valid value is.

Values are keyed by variable key; an instrument's items by "<variable>.<item key>" (e.g.
"audit.q3"). Swedish input habits are accepted: decimal comma, "ja"/"nej", spaces in numbers.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from insyn.followup.models import InstrumentItem, Option, Stage, Variable
from insyn.followup.scoring import total_from_items

TRUE_WORDS = {"1", "true", "yes", "ja", "j", "y", "on", "sant"}
FALSE_WORDS = {"0", "false", "no", "nej", "n", "off", "falskt"}
MAX_TEXT = 5000


@dataclass(frozen=True)
class ParsedValue:
    variable: Variable
    item: InstrumentItem | None = None
    number: float | None = None
    text: str = ""
    date: dt.date | None = None
    option: Option | None = None

    def signature(self) -> tuple[Any, ...]:
        """Comparable form, to tell whether a re-recording changes anything."""
        return (
            self.variable.pk,
            self.item.pk if self.item else None,
            self.number,
            self.text,
            self.date,
            self.option.pk if self.option else None,
        )


def _blank(raw: object) -> bool:
    if raw is None:
        return True
    if isinstance(raw, str):
        return raw.strip() == ""
    if isinstance(raw, list | tuple | set):
        return len(raw) == 0
    return False


def _number(raw: object, *, whole: bool) -> float:
    if isinstance(raw, bool):
        raise ValidationError(_("Enter a number."))
    if isinstance(raw, int | float):
        value = float(raw)
    else:
        text = str(raw).strip().replace("\u00a0", "").replace(" ", "").replace(",", ".")
        try:
            value = float(text)
        except ValueError as exc:
            raise ValidationError(_("Enter a number.")) from exc
    if math.isnan(value) or math.isinf(value):
        raise ValidationError(_("Enter a number."))
    if whole and value != int(value):
        raise ValidationError(_("Enter a whole number."))
    return value


def _in_range(value: float, low: float | None, high: float | None) -> None:
    if low is not None and value < low:
        raise ValidationError(_("The value must be at least %(min)s.") % {"min": f"{low:g}"})
    if high is not None and value > high:
        raise ValidationError(_("The value must be at most %(max)s.") % {"max": f"{high:g}"})


def _option(options: Iterable[Option], raw: object) -> Option:
    if isinstance(raw, Option):
        raw = raw.code
    code = str(raw).strip()
    for option in options:
        if option.code == code or option.code.lower() == code.lower():
            return option
    raise ValidationError(_("%(value)s is not one of the choices.") % {"value": code[:40]})


def _date(raw: object) -> dt.date:
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    try:
        return dt.date.fromisoformat(str(raw).strip())
    except ValueError as exc:
        raise ValidationError(_("Enter a date as YYYY-MM-DD.")) from exc


def parse_one(variable: Variable, raw: object) -> list[ParsedValue]:
    """A non-instrument value; raises ValidationError with a message for the user."""
    kind = variable.type
    if kind in (Variable.Type.INTEGER, Variable.Type.DECIMAL):
        number = _number(raw, whole=kind == Variable.Type.INTEGER)
        _in_range(number, variable.min_value, variable.max_value)
        return [ParsedValue(variable, number=number)]
    if kind == Variable.Type.BOOLEAN:
        word = str(raw).strip().lower()
        if isinstance(raw, bool):
            return [ParsedValue(variable, number=1.0 if raw else 0.0)]
        if word in TRUE_WORDS:
            return [ParsedValue(variable, number=1.0)]
        if word in FALSE_WORDS:
            return [ParsedValue(variable, number=0.0)]
        raise ValidationError(_("Answer yes or no."))
    if kind == Variable.Type.DATE:
        return [ParsedValue(variable, date=_date(raw))]
    if kind == Variable.Type.TEXT:
        text = str(raw).strip()
        if len(text) > MAX_TEXT:
            raise ValidationError(
                _("The text is too long (at most %(n)s characters).") % {"n": MAX_TEXT}
            )
        return [ParsedValue(variable, text=text)]
    options = list(variable.option_set.options.all()) if variable.option_set else []
    if kind == Variable.Type.SINGLE:
        option = _option(options, raw)
        return [ParsedValue(variable, option=option, number=option.value)]
    if kind == Variable.Type.MULTIPLE:
        parts = raw.replace(";", ",").split(",") if isinstance(raw, str) else list(raw)  # type: ignore[call-overload]
        chosen: dict[int, Option] = {}
        for part in parts:
            if not _blank(part):
                option = _option(options, part)
                chosen[option.pk] = option
        return [ParsedValue(variable, option=o, number=o.value) for o in chosen.values()]
    raise ValidationError(_("Unsupported variable type."))


def parse_instrument(
    variable: Variable, total_raw: object, items_raw: Mapping[str, object]
) -> list[ParsedValue]:
    """An instrument: the total directly, or every item (the total is then their sum)."""
    instrument = variable.instrument
    assert instrument is not None
    items = {item.key: item for item in instrument.items.select_related("option_set")}
    errors: dict[str, list[str]] = {}
    answers: dict[str, Option] = {}
    for key, raw in items_raw.items():
        item = items.get(key)
        if item is None:
            errors[f"{variable.key}.{key}"] = [_("Unknown item.")]
            continue
        try:
            answers[key] = _option(item.option_set.options.all(), raw)
        except ValidationError as exc:
            errors[f"{variable.key}.{key}"] = exc.messages
    if errors:
        raise ValidationError(errors)
    parsed = [
        ParsedValue(variable, item=items[key], option=option, number=option.value)
        for key, option in sorted(answers.items(), key=lambda kv: items[kv[0]].number)
    ]
    total: float | None = None
    if answers:
        total = total_from_items(instrument, answers)
        if total is None:
            missing = [k for k in items if k not in answers]
            raise ValidationError(
                {
                    f"{variable.key}.{k}": [_("Answer every item, or give only the total.")]
                    for k in missing
                }
            )
    if not _blank(total_raw):
        try:
            given = _number(total_raw, whole=False)
            _in_range(given, instrument.min_total, instrument.max_total)
        except ValidationError as exc:
            raise ValidationError({variable.key: exc.messages}) from exc
        if total is not None and given != total:
            message = _("The total %(given)s does not match the items' sum %(sum)s.") % {
                "given": f"{given:g}",
                "sum": f"{total:g}",
            }
            raise ValidationError({variable.key: [message]})
        total = given
    if total is None:
        return []
    try:
        _in_range(total, variable.min_value, variable.max_value)
    except ValidationError as exc:
        raise ValidationError({variable.key: exc.messages}) from exc
    return [ParsedValue(variable, number=total), *parsed]


def parse_values(
    stage: Stage, raw: Mapping[str, object], *, partial: bool = False
) -> list[ParsedValue]:
    """Validate everything recorded for one stage; errors keyed by variable (or item) key.

    `partial` skips the required check (saving a draft, importing one column at a time).
    """
    links = list(
        stage.stage_variables.select_related(
            "variable", "variable__option_set", "variable__instrument"
        ).order_by("sort_order", "id")
    )
    by_key = {link.variable.key: link for link in links}
    errors: dict[str, list[str]] = {}
    grouped: dict[str, dict[str, object]] = {}
    totals: dict[str, object] = {}
    for key, value in raw.items():
        base, _dot, item_key = str(key).partition(".")
        if base not in by_key:
            errors[str(key)] = [
                _("This is not a variable of the stage %(stage)s.") % {"stage": stage.key}
            ]
            continue
        if item_key:
            if by_key[base].variable.type != Variable.Type.INSTRUMENT:
                errors[str(key)] = [_("Only instruments have items.")]
            elif not _blank(value):
                grouped.setdefault(base, {})[item_key] = value
        elif not _blank(value):
            totals[base] = value
    parsed: list[ParsedValue] = []
    for key, link in by_key.items():
        variable = link.variable
        try:
            if variable.type == Variable.Type.INSTRUMENT:
                values = parse_instrument(variable, totals.get(key), grouped.get(key, {}))
            elif key in totals:
                values = parse_one(variable, totals[key])
            else:
                values = []
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for k, msgs in exc.message_dict.items():
                    errors.setdefault(k, []).extend(msgs)
            else:
                errors.setdefault(key, []).extend(exc.messages)
            continue
        if not values and link.required and not partial:
            errors.setdefault(key, []).append(_("This value is required."))
        parsed.extend(values)
    if errors:
        raise ValidationError(errors)
    return parsed
