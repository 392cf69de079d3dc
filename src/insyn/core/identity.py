"""Swedish identity numbers: validated, turned into a keyed hash, never stored in clear.

person_key = HMAC-SHA256(INSYN_PEPPER, 12-digit number) links a person's records within
insyn without keeping the number (ARCHITECTURE rule 4). Birth date and sex are derived and kept.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from personnummer import personnummer as pnr


@dataclass(frozen=True)
class Identity:
    number: str = field(repr=False)  # 12 digits, no separator; lives only in memory
    birth_date: dt.date = field()
    sex: str = field()  # "K" or "M" (the number's second-to-last digit)
    coordination: bool = field()  # samordningsnummer

    @property
    def person_key(self) -> str:
        return person_key(self.number)


def parse_identity(raw: str) -> Identity:
    """Validate a personnummer or samordningsnummer in any common spelling.

    Raises ValidationError with a message that never echoes the number back.
    """
    text = (raw or "").strip().replace(" ", "")
    if not text:
        raise ValidationError(_("Enter a personal identity number."))
    try:
        parsed = pnr.Personnummer(text)
    except pnr.PersonnummerException as exc:
        raise ValidationError(
            _("This is not a valid personal identity number or coordination number."),
            code="invalid_personnummer",
        ) from exc
    number = parsed.format(True)
    if not re.fullmatch(r"[0-9]{12}", number):
        raise ValidationError(_("This is not a valid personal identity number."))
    birth = parsed.get_date()
    birth_date = birth.date() if isinstance(birth, dt.datetime) else birth
    if birth_date > dt.date.today():
        raise ValidationError(_("The birth date in the number lies in the future."))
    return Identity(
        number=number,
        birth_date=birth_date,
        sex="M" if parsed.is_male() else "K",
        coordination=parsed.is_coordination_number(),
    )


def person_key(number12: str) -> str:
    return hmac.new(settings.INSYN_PEPPER.encode(), number12.encode(), hashlib.sha256).hexdigest()


def encrypt_number(number12: str) -> str:
    """Encrypted copy for operators who turn on INSYN_STORE_PERSONNUMMER; else empty."""
    if not settings.INSYN_STORE_PERSONNUMMER:
        return ""
    from cryptography.fernet import Fernet

    return Fernet(settings.INSYN_FERNET_KEY.encode()).encrypt(number12.encode()).decode()


def decrypt_number(token: str) -> str:
    from cryptography.fernet import Fernet

    return Fernet(settings.INSYN_FERNET_KEY.encode()).decrypt(token.encode()).decode()


def age_on(birth_date: dt.date, day: dt.date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))
