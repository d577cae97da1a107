"""ConsoleTransport (the credential-free default) and the e-mail transport's error mapping."""

from __future__ import annotations

import io
import logging
import smtplib

import pytest

from jingmin.messaging.tests.line_server import fake_user_id
from jingmin.messaging.transports import TransportError
from jingmin.messaging.transports.console import ConsoleTransport
from jingmin.messaging.transports.email import EmailTransport, map_smtp_error
from jingmin.messaging.transports.line import image_message, new_retry_key, text_message

ALICE = fake_user_id("alice")


def test_push_writes_and_records() -> None:
    out = io.StringIO()
    console = ConsoleTransport(stream=out)
    key = new_retry_key()
    result = console.push(ALICE, [text_message("請注意 詐騙"), image_message("https://e.com/a.jpg")], key)
    assert result["status"] == 200 and result["already_accepted"] is False
    assert result["request_id"].startswith("console-") and len(result["sent_message_ids"]) == 2
    text = out.getvalue()
    assert "請注意 詐騙" in text and "https://e.com/a.jpg" in text and ALICE in text
    [item] = console.sent
    assert item["kind"] == "push" and item["to"] == [ALICE] and item["retry_key"] == key
    assert item["request_id"] == result["request_id"]


def test_same_retry_key_is_recorded_once() -> None:
    console = ConsoleTransport(stream=io.StringIO())
    key = new_retry_key()
    first = console.push(ALICE, [text_message("x")], key)
    second = console.push(ALICE, [text_message("x")], key)
    assert second["already_accepted"] is True and second["request_id"] == first["request_id"]
    assert len(console.sent) == 1


def test_multicast_and_reply() -> None:
    console = ConsoleTransport(stream=io.StringIO())
    users = [fake_user_id(i) for i in range(5)]
    console.multicast(users, [text_message("x")], new_retry_key())
    console.reply("reply-token", [text_message("y")])
    assert [i["kind"] for i in console.sent] == ["multicast", "reply"]
    assert console.sent[0]["to"] == users
    assert console.consumption() == 5
    assert console.quota() == {"type": "none", "value": None}
    assert console.group_summary("C" + "1" * 32)["groupId"] == "C" + "1" * 32
    with pytest.raises(ValueError, match="at most 500"):
        console.multicast([fake_user_id(i) for i in range(501)], [text_message("x")], new_retry_key())
    console.clear()
    assert console.sent == []


def test_console_validates_like_line() -> None:
    console = ConsoleTransport(stream=io.StringIO())
    with pytest.raises(ValueError):
        console.push(ALICE, [{"type": "text", "text": ""}], new_retry_key())
    with pytest.raises(ValueError):
        console.push(ALICE, [text_message("x")] * 6, new_retry_key())
    with pytest.raises(ValueError):
        console.push(ALICE, [text_message("x")], "not-a-uuid")
    with pytest.raises(ValueError):
        console.push("", [text_message("x")], new_retry_key())
    assert console.sent == []


def test_default_stream_is_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    ConsoleTransport().push(ALICE, [text_message("hello stdout")], new_retry_key())
    assert "hello stdout" in capsys.readouterr().out


def test_logger_output(caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]) -> None:
    logger = logging.getLogger("jingmin.test.console")
    with caplog.at_level(logging.INFO, logger="jingmin.test.console"):
        ConsoleTransport(logger=logger).push(ALICE, [text_message("logged")], new_retry_key())
    assert "logged" in caplog.text
    assert capsys.readouterr().out == ""  # logger only, unless a stream is also given


# ------------------------------------------------------------------------- e-mail
@pytest.fixture
def fake_send_mail(monkeypatch: pytest.MonkeyPatch) -> list:
    import django.core.mail

    calls: list = []

    def send_mail(subject, message, from_email, recipient_list, fail_silently=False):  # noqa: ANN001
        calls.append((subject, message, from_email, recipient_list, fail_silently))
        return len(recipient_list)

    monkeypatch.setattr(django.core.mail, "send_mail", send_mail)
    return calls


def test_email_send(fake_send_mail: list) -> None:
    result = EmailTransport(from_email="noreply@police.example").send(["a@example.com", " "], "主旨", "內文")
    assert result["sent"] == 1 and result["recipients"] == ["a@example.com"]
    assert fake_send_mail == [("主旨", "內文", "noreply@police.example", ["a@example.com"], False)]
    with pytest.raises(ValueError):
        EmailTransport().send([], "s", "b")
    with pytest.raises(ValueError):
        EmailTransport().send("a@example.com", "two\nlines", "b")


def test_email_errors_are_mapped(monkeypatch: pytest.MonkeyPatch) -> None:
    import django.core.mail

    def failing(exc: BaseException):  # noqa: ANN202
        def send_mail(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
            raise exc

        return send_mail

    monkeypatch.setattr(
        django.core.mail, "send_mail", failing(smtplib.SMTPRecipientsRefused({"x@example.com": (550, b"no")}))
    )
    with pytest.raises(TransportError) as err:
        EmailTransport().send(["x@example.com"], "s", "b")
    assert err.value.permanent is True and "x@example.com" in err.value.message

    monkeypatch.setattr(django.core.mail, "send_mail", failing(smtplib.SMTPServerDisconnected("bye")))
    with pytest.raises(TransportError) as err:
        EmailTransport().send(["x@example.com"], "s", "b")
    assert err.value.permanent is False


@pytest.mark.parametrize(
    ("exc", "permanent"),
    [
        (smtplib.SMTPRecipientsRefused({"a@b": (550, b"unknown user")}), True),
        (smtplib.SMTPSenderRefused(553, b"bad sender", "x@y"), True),
        (smtplib.SMTPAuthenticationError(535, b"auth"), True),
        (smtplib.SMTPDataError(552, b"too big"), True),
        (smtplib.SMTPDataError(451, b"try later"), False),
        (smtplib.SMTPConnectError(421, b"busy"), False),
        (smtplib.SMTPServerDisconnected("gone"), False),
        (TimeoutError("timed out"), False),
        (ConnectionRefusedError(111, "refused"), False),
    ],
)
def test_map_smtp_error(exc: BaseException, permanent: bool) -> None:
    err = map_smtp_error(exc)
    assert isinstance(err, TransportError) and err.permanent is permanent
