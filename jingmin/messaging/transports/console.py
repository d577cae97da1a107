"""Console transport: the credential-free default used by the demo and in development.

It mirrors :class:`~jingmin.messaging.transports.line.LineTransport`'s interface
and its retry-key semantics (a repeated key is reported as ``already_accepted``
and not written twice), validates messages with the same LINE limits, writes a
readable line per delivery to a stream and/or logger, and keeps everything it
"sent" in :attr:`ConsoleTransport.sent` for inspection.  No Django imports.
"""

from __future__ import annotations

import logging
import sys
import threading
import uuid
from typing import Any, TextIO

from . import DeliveryResult
from .line import (
    MAX_MULTICAST_RECIPIENTS,
    _normalise_retry_key,
    validate_messages,
)

__all__ = ["ConsoleTransport"]


def _summarise(message: dict[str, Any]) -> str:
    kind = message.get("type")
    if kind == "text":
        return message.get("text", "")
    if kind == "image":
        return f"[image {message.get('originalContentUrl')}]"
    return f"[{kind}]"


class ConsoleTransport:
    """Writes messages instead of sending them.

    Args:
        stream: where to write (``sys.stdout`` at call time when neither stream nor logger is given).
        logger: a :class:`logging.Logger` to log each delivery to at INFO level.
    """

    name = "console"

    def __init__(self, stream: TextIO | None = None, logger: logging.Logger | None = None) -> None:
        self._stream = stream
        self._logger = logger
        self._lock = threading.Lock()
        self._accepted_keys: dict[str, str] = {}
        self.sent: list[dict[str, Any]] = []

    # -- output ------------------------------------------------------------
    def _emit(self, line: str) -> None:
        if self._logger is not None:
            self._logger.info("%s", line)
        if self._stream is not None or self._logger is None:
            stream = self._stream if self._stream is not None else sys.stdout
            stream.write(line + "\n")
            stream.flush()

    def _record(
        self, kind: str, to: list[str], messages: list[dict[str, Any]], retry_key: str | None
    ) -> DeliveryResult:
        with self._lock:
            if retry_key is not None and retry_key in self._accepted_keys:
                return {
                    "request_id": self._accepted_keys[retry_key],
                    "sent_message_ids": [],
                    "already_accepted": True,
                    "status": 409,
                }
            request_id = f"console-{uuid.uuid4()}"
            ids = [f"console-msg-{len(self.sent)}-{i}" for i in range(len(messages))]
            if retry_key is not None:
                self._accepted_keys[retry_key] = request_id
            self.sent.append(
                {
                    "kind": kind,
                    "to": to,
                    "messages": messages,
                    "retry_key": retry_key,
                    "request_id": request_id,
                }
            )
        recipients = ", ".join(to) if len(to) <= 3 else f"{', '.join(to[:3])} (+{len(to) - 3} more)"
        for message in messages:
            self._emit(f"[LINE console] {kind} to {recipients}: {_summarise(message)}")
        return {"request_id": request_id, "sent_message_ids": ids, "already_accepted": False, "status": 200}

    # -- transport interface ---------------------------------------------------
    def push(self, to: str, messages: list[dict[str, Any]], retry_key: str) -> DeliveryResult:
        if not isinstance(to, str) or not to:
            raise ValueError("push: 'to' must be a non-empty LINE user/group/room ID")
        messages = validate_messages(messages)
        return self._record("push", [to], messages, _normalise_retry_key(retry_key))

    def multicast(self, to: list[str], messages: list[dict[str, Any]], retry_key: str) -> DeliveryResult:
        to = list(to)
        if not to:
            raise ValueError("multicast: at least one recipient is required")
        if len(to) > MAX_MULTICAST_RECIPIENTS:
            raise ValueError(
                f"multicast: LINE accepts at most {MAX_MULTICAST_RECIPIENTS} user IDs per request, got {len(to)}"
            )
        messages = validate_messages(messages)
        return self._record("multicast", to, messages, _normalise_retry_key(retry_key))

    def reply(self, reply_token: str, messages: list[dict[str, Any]]) -> DeliveryResult:
        if not isinstance(reply_token, str) or not reply_token:
            raise ValueError("reply: reply_token must be a non-empty string")
        messages = validate_messages(messages)
        return self._record("reply", [f"reply:{reply_token}"], messages, None)

    def group_summary(self, group_id: str) -> dict[str, Any]:
        return {"groupId": group_id, "groupName": f"Console group {group_id[-6:]}", "pictureUrl": None}

    def group_member_count(self, group_id: str) -> int:
        return 1

    def message_content(self, message_id: str) -> bytes:
        return b""  # nothing to download: the console never received anything

    def profile(self, user_id: str) -> dict[str, Any]:
        """The console knows no names: an empty display name (the contact stays unnamed)."""
        return {
            "userId": user_id,
            "displayName": "",
            "pictureUrl": None,
            "statusMessage": None,
            "language": None,
        }

    def quota(self) -> dict[str, Any]:
        return {"type": "none", "value": None}

    def consumption(self) -> int:
        with self._lock:
            return sum(len(item["to"]) for item in self.sent if item["kind"] != "reply")

    def close(self) -> None:
        pass

    def clear(self) -> None:
        with self._lock:
            self.sent.clear()
            self._accepted_keys.clear()
