"""Where a 催办 goes: the in-app inbox always; e-mail and SMS behind a small interface, off by default.

The in-app inbox is the `Reminder` row itself, so it can never be switched off. Other
channels are listed in the setting `GONGGU_TASK_REMINDER_CHANNELS` (e.g. ["email"]);
e-mail goes through Django's configured mail backend, SMS through the gateway named in
`GONGGU_SMS_GATEWAY` (dotted path to an `SmsGateway`). The default SMS gateway only keeps
the messages in memory: a deployment that has a gateway contract plugs its own in.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

log = logging.getLogger("gonggu.tasks")


@dataclass
class Delivery:
    channel: str
    status: str  # delivered | sent | skipped | failed
    recipients: int = 0
    detail: str = ""

    def as_dict(self) -> dict:
        return {"channel": self.channel, "status": self.status, "recipients": self.recipients, "detail": self.detail}


class Channel(Protocol):
    name: str
    label: str

    def deliver(self, *, subject: str, body: str, recipients: list) -> Delivery: ...


class InAppChannel:
    """The unit's inbox: the reminder is shown to every member of the unit; nothing to send."""

    name = "inapp"
    label = "站内消息"

    def deliver(self, *, subject: str, body: str, recipients: list) -> Delivery:
        return Delivery(self.name, "delivered", len(recipients))


class EmailChannel:
    name = "email"
    label = "电子邮件"

    def deliver(self, *, subject: str, body: str, recipients: list) -> Delivery:
        from django.core.mail import send_mail

        addresses = sorted({u.email for u in recipients if u.email})
        if not addresses:
            return Delivery(self.name, "skipped", 0, "经办人员没有登记电子邮箱")
        try:
            send_mail(subject, body, None, addresses, fail_silently=False)
        except Exception as exc:  # noqa: BLE001 - a mail server problem must not undo the reminder
            log.warning("reminder e-mail failed: %s", exc)
            return Delivery(self.name, "failed", 0, f"邮件发送失败：{type(exc).__name__}")
        return Delivery(self.name, "sent", len(addresses))


class SmsGateway(Protocol):
    def send(self, phone: str, text: str) -> None: ...


@dataclass
class OutboxSmsGateway:
    """Keeps messages instead of sending them (no SMS contract configured)."""

    outbox: list[tuple[str, str]] = field(default_factory=list)

    def send(self, phone: str, text: str) -> None:
        self.outbox.append((phone, text))


_DEFAULT_GATEWAY = OutboxSmsGateway()


def sms_gateway() -> SmsGateway:
    dotted = getattr(settings, "GONGGU_SMS_GATEWAY", "")
    return import_string(dotted)() if dotted else _DEFAULT_GATEWAY


class SmsChannel:
    name = "sms"
    label = "短信"

    # Operator limits: one SMS carries 70 Chinese characters; keep the reminder to two.
    MAX_CHARS = 140

    def deliver(self, *, subject: str, body: str, recipients: list) -> Delivery:
        phones = sorted({u.phone for u in recipients if u.phone})
        if not phones:
            return Delivery(self.name, "skipped", 0, "经办人员没有登记手机号")
        gateway = sms_gateway()
        text = f"【{subject}】{body}"[: self.MAX_CHARS]
        sent = 0
        for phone in phones:
            try:
                gateway.send(phone, text)
                sent += 1
            except Exception as exc:  # noqa: BLE001 - report per number, keep going
                log.warning("reminder SMS to %s failed: %s", phone[-4:], exc)
        return Delivery(self.name, "sent" if sent else "failed", sent)


CHANNELS: dict[str, Channel] = {c.name: c for c in (InAppChannel(), EmailChannel(), SmsChannel())}


def enabled_channels() -> list[Channel]:
    names = ["inapp", *[n for n in getattr(settings, "GONGGU_TASK_REMINDER_CHANNELS", []) if n != "inapp"]]
    return [CHANNELS[n] for n in names if n in CHANNELS]
