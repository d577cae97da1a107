"""Outbound message transports (LINE Messaging API, console, e-mail).

Every transport reports failures as :class:`TransportError`.  The caller (the
delivery worker) decides what to do from two facts only:

* ``permanent`` -- retrying the same request can never succeed (bad token, the
  bot left the group, invalid recipient, malformed message).  Mark the
  delivery failed.
* otherwise the failure is transient (429, 5xx, timeout, dropped connection).
  Retry later with the *same* retry key, waiting at least ``retry_after``
  seconds when the server said so.

This package must not import Django at module level.
"""

from __future__ import annotations

from typing import Any, TypedDict

__all__ = ["DeliveryResult", "TransportError"]


class TransportError(Exception):
    """A delivery attempt failed.

    Attributes:
        message: human readable reason (for LINE, the API's ``message`` field plus details).
        permanent: ``True`` when retrying cannot help.
        retry_after: seconds the server asked us to wait (``Retry-After``), if any.
        status: HTTP status code, or ``None`` for network-level failures.
    """

    def __init__(
        self,
        message: str,
        *,
        permanent: bool,
        retry_after: float | None = None,
        status: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.permanent = permanent
        self.retry_after = retry_after
        self.status = status

    def __repr__(self) -> str:
        return (
            f"TransportError({self.message!r}, permanent={self.permanent}, "
            f"retry_after={self.retry_after}, status={self.status})"
        )

    def __reduce__(self) -> tuple[Any, ...]:
        # Keyword-only arguments are lost by the default Exception pickling; keep
        # them so errors survive being sent between worker processes.
        return (_rebuild_transport_error, (self.message, self.permanent, self.retry_after, self.status))


def _rebuild_transport_error(
    message: str, permanent: bool, retry_after: float | None, status: int | None
) -> TransportError:
    return TransportError(message, permanent=permanent, retry_after=retry_after, status=status)


class DeliveryResult(TypedDict):
    """What a successful ``push``/``multicast``/``reply`` returns (a plain dict).

    request_id: the ``x-line-request-id`` of the accepted request.  When the
        request was a retry of an already accepted one (HTTP 409), this is the
        ``x-line-accepted-request-id`` of the original request.
    sent_message_ids: IDs of the sent messages when the API reports them (push, reply).
    already_accepted: ``True`` when the server answered 409 "retry key already accepted".
    status: HTTP status of the final response (200 or 409).
    """

    request_id: str | None
    sent_message_ids: list[str]
    already_accepted: bool
    status: int
