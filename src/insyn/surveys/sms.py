"""Pluggable text-message backends, chosen by `settings.INSYN_SMS_BACKEND` (a dotted path).

Development prints to the console; tests collect into `outbox`; an operator adds a backend for
their SMS gateway by subclassing `BaseSmsBackend` and naming it in the setting.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class SmsMessage:
    to: str
    body: str


class SmsError(RuntimeError):
    pass


class BaseSmsBackend:
    def send(self, message: SmsMessage) -> None:
        raise NotImplementedError


class ConsoleBackend(BaseSmsBackend):
    def send(self, message: SmsMessage) -> None:
        sys.stdout.write(f"SMS to {message.to}:\n{message.body}\n{'-' * 40}\n")


outbox: list[SmsMessage] = []


class LocmemBackend(BaseSmsBackend):
    """Keeps messages in `insyn.surveys.sms.outbox` (tests)."""

    def send(self, message: SmsMessage) -> None:
        outbox.append(message)


def get_backend() -> BaseSmsBackend:
    dotted = getattr(settings, "INSYN_SMS_BACKEND", "insyn.surveys.sms.ConsoleBackend")
    backend: BaseSmsBackend = import_string(dotted)()
    return backend


def send_sms(to: str, body: str) -> None:
    get_backend().send(SmsMessage(to=to, body=body))
