"""Checks on identifiers the clients domain keeps: organisation numbers and references.

References and free text are checked for personal identity numbers, because a case system's
export sometimes uses the personnummer as its client reference; storing that would put the
number in clear into the database (ARCHITECTURE rule 4).
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from insyn.core.identity import parse_identity

REF_PATTERN = re.compile(r"^[A-Za-z0-9ÅÄÖåäö][A-Za-z0-9ÅÄÖåäö._/:-]{0,39}$")
# 10 or 12 digits with an optional separator: the spellings of a personnummer.
_NUMBER_LIKE = re.compile(r"(?<!\d)(?:\d{2})?\d{6}[-+ ]?\d{4}(?!\d)")


def luhn_ok(digits: str) -> bool:
    """The Luhn check digit used by both personnummer and organisationsnummer (10 digits)."""
    total = 0
    for i, ch in enumerate(digits):
        n = int(ch) * (2 if i % 2 == 0 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


def normalise_org_number(raw: str) -> str:
    """A Swedish organisationsnummer as NNNNNN-NNNN, or ValidationError.

    Accepts 10 digits with or without a hyphen, and the 12-digit form with the "16" prefix.
    Sole traders use their personnummer as organisation number; those are refused, so no
    personal identity number ends up in the provider register.
    """
    text = re.sub(r"[\s-]", "", raw or "")
    if len(text) == 12 and text.startswith("16"):
        text = text[2:]
    if not re.fullmatch(r"[0-9]{10}", text):
        raise ValidationError(
            _("An organisation number has ten digits, e.g. 556016-0680."), code="org_number"
        )
    if not luhn_ok(text):
        raise ValidationError(
            _("This organisation number is not valid (the check digit does not match)."),
            code="org_number",
        )
    if int(text[2]) < 2:
        raise ValidationError(
            _(
                "This looks like a personal identity number (a sole trader). Register the "
                "provider without an organisation number instead."
            ),
            code="org_number",
        )
    return f"{text[:6]}-{text[6:]}"


def is_identity_number(text: str) -> bool:
    try:
        parse_identity(text)
    except ValidationError:
        return False
    return True


def contains_identity_number(text: str) -> bool:
    """True when free text holds something that is a valid personnummer/samordningsnummer."""
    return any(is_identity_number(m.group(0)) for m in _NUMBER_LIKE.finditer(text or ""))


def clean_ref(value: str, field: str, *, required: bool = False) -> str:
    """A reference (client, case, intervention …): short, readable, never a personnummer."""
    value = (value or "").strip()
    if not value:
        if required:
            raise ValidationError({field: _("A reference is required.")})
        return ""
    if not REF_PATTERN.match(value):
        raise ValidationError(
            {
                field: _(
                    "A reference has at most 40 characters: letters, digits and . _ / : -, "
                    "starting with a letter or digit."
                )
            }
        )
    if is_identity_number(value):
        raise ValidationError({field: _("A reference must not be a personal identity number.")})
    return value


def clean_free_text(value: str, field: str) -> str:
    value = (value or "").strip()
    if contains_identity_number(value):
        raise ValidationError({field: _("Free text must not contain a personal identity number.")})
    return value
