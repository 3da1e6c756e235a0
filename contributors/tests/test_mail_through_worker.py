"""allauth's mails go through the worker: a mail server that is down delays them, never the page,
and they arrive once when it is back. A real SMTP server process (aiosmtpd) and a real worker."""

from __future__ import annotations

import mailbox
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from email.header import decode_header, make_header
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from contributors.models import OutgoingEmail
from contributors.testing import wait_until
from contributors.tests.factories import contributor_user

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

PASSWORD = "Gluon-fusion-2026"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class SmtpServer:
    """aiosmtpd in its own process, storing what it receives in a Maildir; started on demand."""

    def __init__(self, port: int, maildir: Path) -> None:
        self.port, self.maildir = port, maildir
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{self.port}"]
            + ["-c", "aiosmtpd.handlers.Mailbox", str(self.maildir)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_until(self._listening, timeout=15)

    def _listening(self) -> bool:
        try:
            socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
            return True
        except OSError:
            return False

    def messages(self) -> list[Any]:
        if not self.maildir.exists():
            return []
        return list(mailbox.Maildir(self.maildir, create=False))

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)


@pytest.fixture
def smtp_server(tmp_path: Path) -> Iterator[SmtpServer]:
    server = SmtpServer(free_port(), tmp_path / "maildir")
    yield server
    server.stop()


@pytest.fixture
def mail_worker(smtp_server: SmtpServer, monkeypatch: Any, request: Any, settings: Any) -> Any:
    """A real worker whose mail server is ``smtp_server``, retrying every second; the pages in
    this process have the same mail server (not the test outbox), so any mail they sent
    themselves would fail them while it is down."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", smtp_server.port, 5
    monkeypatch.setenv("EMAIL_URL", f"smtp://127.0.0.1:{smtp_server.port}")
    monkeypatch.setenv("EMAIL_RETRY_DELAYS", "1")
    monkeypatch.setenv("EMAIL_TIMEOUT", "5")
    return request.getfixturevalue("celery_worker_process")


def subject_of(message: Any) -> str:
    return str(make_header(decode_header(message["Subject"])))


def body_of(message: Any) -> str:
    part = next(p for p in message.walk() if p.get_content_type() == "text/plain")
    return str(part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8"))


def test_sign_up_and_password_reset_answer_while_the_mail_server_is_down_and_mail_arrives_once(
    smtp_server: SmtpServer, mail_worker: Any
) -> None:
    german = contributor_user(username="ilse")
    german.contributor.language = "de"
    german.contributor.save()

    # The mail server is down: both pages answer as usual.
    reset = Client().post("/accounts/password/reset/", {"email": german.email})
    assert reset.status_code == 302 and reset["Location"] == "/accounts/password/reset/done/"
    signup = Client().post(
        "/accounts/signup/",
        {
            "email": "emmy.noether@desy.de",
            "username": "enoether",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert signup.status_code == 302 and signup["Location"] == "/accounts/confirm-email/"

    # The worker tries, fails and keeps the mail for later.
    wait_until(lambda: OutgoingEmail.objects.filter(attempts__gte=2, sent_at=None).count() == 2)
    assert smtp_server.messages() == []

    smtp_server.start()
    wait_until(lambda: len(smtp_server.messages()) == 2, timeout=30)
    time.sleep(3)  # three more retry periods: nothing is sent twice
    received = {message["To"]: message for message in smtp_server.messages()}
    assert len(smtp_server.messages()) == 2
    assert set(received) == {german.email, "emmy.noether@desy.de"}

    # Each in the recipient's language: German for Ilse, the page's English for the newcomer.
    assert "Zurücksetzen des Passworts" in subject_of(received[german.email])
    assert re.search(r"/accounts/password/reset/key/\S+/", body_of(received[german.email]))
    confirmation = body_of(received["emmy.noether@desy.de"])
    key = re.search(r"/accounts/confirm-email/(\S+)/", confirmation).group(1)
    assert "Please Confirm Your Email Address" in subject_of(received["emmy.noether@desy.de"])

    # Sent rows keep no bodies (they held the keys), and neither key nor body reached the log.
    assert not OutgoingEmail.objects.exclude(body_text="", body_html="").exists()
    assert OutgoingEmail.objects.filter(sent_at__isnull=False).count() == 2
    assert key not in mail_worker.log()
    assert "reset/key" not in mail_worker.log()

    # The confirmation link works.
    client = Client()
    assert client.post(f"/accounts/confirm-email/{key}/").status_code == 302
    assert client.post("/accounts/login/", {"login": "enoether", "password": PASSWORD}).status_code == 302


@pytest.mark.django_db
def test_a_mail_is_handed_to_the_server_once_however_often_its_task_runs(
    django_capture_on_commit_callbacks: Any, tasks_run_inline: Any, mailoutbox: list[Any]
) -> None:
    from contributors.mail import send_queued_email

    user = contributor_user(username="otto")
    with django_capture_on_commit_callbacks(execute=True):
        Client().post("/accounts/password/reset/", {"email": user.email})
    row = OutgoingEmail.objects.get()

    assert send_queued_email(email_id=row.pk) is False  # a repeated message, or a late retry
    assert len(mailoutbox) == 1
    row.refresh_from_db()
    assert row.sent_at is not None and row.attempts == 1 and row.body_text == ""


def test_retry_delays_follow_the_setting_and_never_exceed_ten_minutes(settings: Any) -> None:
    from contributors.tasks import retry_delay

    assert [retry_delay(n) for n in range(8)] == [10, 30, 60, 120, 300, 600, 600, 600]
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=Path(__file__).resolve().parents[2],
        env={**os.environ, "EMAIL_RETRY_DELAYS": "60,3600"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert (
        result.returncode != 0 and "EMAIL_RETRY_DELAYS must be whole seconds from 1 to 600" in result.stderr
    )
