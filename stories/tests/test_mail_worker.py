"""E-mail goes through the worker: a mail server that is down delays the mail, never the action.

A real SMTP server process (aiosmtpd, writing to a Maildir) and a real Celery worker.
"""

from __future__ import annotations

import mailbox
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from email.header import decode_header, make_header
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from contributors.models import OutgoingEmail
from contributors.testing import wait_until
from contributors.tests.factories import outreach_user
from stories.models import Comment, Status, Story
from stories.tests.factories import story_in


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class SmtpServer:
    def __init__(self, port: int, maildir: Path) -> None:
        self.port = port
        self.maildir = maildir
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "aiosmtpd",
                "-n",
                "-l",
                f"127.0.0.1:{self.port}",
                "-c",
                "aiosmtpd.handlers.Mailbox",
                str(self.maildir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

        def listening() -> bool:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
            except OSError:
                return False
            return True

        wait_until(listening, timeout=15)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None

    def messages(self) -> list[tuple[str, str]]:
        """(recipient, subject) of every message received."""
        if not (self.maildir / "new").exists():
            return []
        return [
            (str(message["To"]), str(make_header(decode_header(message["Subject"]))))
            for message in mailbox.Maildir(self.maildir, create=False)
        ]


@pytest.fixture
def smtp_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[SmtpServer]:
    """Not started yet. The worker (started after this fixture) sends to it and retries fast."""
    server = SmtpServer(_free_port(), tmp_path / "maildir")
    monkeypatch.setenv("EMAIL_URL", f"smtp://127.0.0.1:{server.port}")
    monkeypatch.setenv("EMAIL_RETRY_DELAYS", "1,2")
    monkeypatch.setenv("EMAIL_TIMEOUT", "5")  # a server still starting up holds a send that long at most
    yield server
    server.stop()


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_with_the_mail_server_down_actions_answer_and_the_mail_arrives_once_it_is_back(
    smtp_server: SmtpServer, celery_worker_process: Any
) -> None:
    reviewer = outreach_user()
    approved, changed, rejected, commented = (
        story_in(Status.IN_REVIEW, reviewer=reviewer, title=f"Story {name}") for name in ("A", "B", "C", "D")
    )
    team = client_for(reviewer)

    started = time.monotonic()
    responses = [
        team.post(reverse("stories:transition", args=[approved.pk, "approve"])),
        team.post(
            reverse("stories:transition", args=[changed.pk, "request_changes"]), {"text": "Shorter, please."}
        ),
        team.post(reverse("stories:transition", args=[rejected.pk, "reject"]), {"text": "Off topic."}),
        team.post(reverse("stories:comment", args=[commented.pk]), {"body": "Lovely photo."}),
    ]
    answered_in = time.monotonic() - started

    assert [response.status_code for response in responses] == [302, 302, 302, 302]
    assert answered_in < 10
    assert Story.objects.get(pk=approved.pk).status == Status.APPROVED
    assert Story.objects.get(pk=changed.pk).status == Status.CHANGES_REQUESTED
    assert Story.objects.get(pk=rejected.pk).status == Status.REJECTED
    assert Comment.objects.filter(story=commented, body="Lovely photo.").exists()
    # The worker tried, and failed, while the server was down.
    waiting = OutgoingEmail.objects.filter(story_notice__isnull=False, sent_at__isnull=True)
    wait_until(lambda: waiting.filter(attempts__gte=1).count() >= 4)
    assert smtp_server.messages() == []

    smtp_server.start()
    expected = [
        (approved.author.user.email, "[cmsatdesy] Approved: Story A"),
        (changed.author.user.email, "[cmsatdesy] Changes requested: Story B"),
        (rejected.author.user.email, "[cmsatdesy] Not accepted: Story C"),
        (commented.author.user.email, "[cmsatdesy] New comment: Story D"),
    ]
    wait_until(lambda: all(item in smtp_server.messages() for item in expected), timeout=60)
    wait_until(lambda: not waiting.exists(), timeout=30)
    time.sleep(3)  # longer than the longest retry delay: nothing more may come
    counts = Counter(smtp_server.messages())
    assert [counts[item] for item in expected] == [1, 1, 1, 1]
    assert all(count == 1 for count in counts.values())
