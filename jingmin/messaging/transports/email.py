"""E-mail transport (Django's ``send_mail``), used as a fallback channel.

Django is imported inside functions only, so importing this module does not
require configured settings.
"""

from __future__ import annotations

import smtplib
import socket
import uuid
from collections.abc import Iterable
from typing import Any

from . import TransportError

__all__ = ["EmailTransport", "map_smtp_error"]


def map_smtp_error(exc: BaseException) -> TransportError:
    """Classify an SMTP / socket failure.

    Permanent: every recipient refused, sender refused, authentication failure,
    or a 5xx SMTP reply.  Everything else (4xx replies, disconnects, timeouts,
    connection errors) is transient.
    """
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        refused = ", ".join(sorted(exc.recipients)) if exc.recipients else "all recipients"
        return TransportError(f"SMTP recipients refused: {refused}", permanent=True)
    if isinstance(exc, smtplib.SMTPSenderRefused):
        return TransportError(f"SMTP sender refused ({exc.smtp_code}): {exc.sender}", permanent=True)
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return TransportError(f"SMTP authentication failed ({exc.smtp_code})", permanent=True)
    if isinstance(exc, (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError)):
        return TransportError(f"SMTP connection problem: {exc}", permanent=False)
    if isinstance(exc, smtplib.SMTPResponseException):
        code = int(exc.smtp_code)
        text = (
            exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else exc.smtp_error
        )
        return TransportError(f"SMTP error {code}: {text}", permanent=500 <= code < 600)
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return TransportError(f"SMTP server does not support a required feature: {exc}", permanent=True)
    if isinstance(exc, (socket.timeout, TimeoutError)):
        return TransportError(f"SMTP timed out: {exc}", permanent=False)
    if isinstance(exc, (smtplib.SMTPException, OSError)):
        return TransportError(f"SMTP failure: {type(exc).__name__}: {exc}", permanent=False)
    return TransportError(f"e-mail failure: {type(exc).__name__}: {exc}", permanent=False)


class EmailTransport:
    """Send plain-text e-mail through Django's configured e-mail backend."""

    name = "email"

    def __init__(self, from_email: str | None = None) -> None:
        self.from_email = from_email  # None -> settings.DEFAULT_FROM_EMAIL

    def send(self, to_addresses: Iterable[str] | str, subject: str, body: str) -> dict[str, Any]:
        from django.core.mail import BadHeaderError, send_mail

        recipients = [to_addresses] if isinstance(to_addresses, str) else list(to_addresses)
        recipients = [a.strip() for a in recipients if a and a.strip()]
        if not recipients:
            raise ValueError("at least one e-mail address is required")
        if "\n" in subject or "\r" in subject:
            raise ValueError("e-mail subject must be a single line")
        try:
            count = send_mail(subject, body, self.from_email, recipients, fail_silently=False)
        except BadHeaderError as exc:
            raise TransportError(f"invalid e-mail header: {exc}", permanent=True) from exc
        except (smtplib.SMTPException, OSError) as exc:
            raise map_smtp_error(exc) from exc
        return {"request_id": f"email-{uuid.uuid4()}", "sent": int(count), "recipients": recipients}
