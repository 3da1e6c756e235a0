"""The load profile of `make load` (scripts/load.py): team members browse, scientists upload.

Reads the plan that scripts/load.py wrote before the clock started (LOAD_PLAN: session cookies,
the scientists' draft stories, a photo), so no login happens under load.
"""

from __future__ import annotations

import itertools
import json
import os
import re
from pathlib import Path
from typing import Any

from locust import HttpUser, between, task

PLAN: dict[str, Any] = json.loads(Path(os.environ["LOAD_PLAN"]).read_text())
PHOTO = Path(PLAN["photo"]).read_bytes()
TEAM = itertools.cycle(PLAN["team"])
SCIENTISTS = itertools.cycle(PLAN["scientists"])
FIELD = re.compile(r'name="(csrfmiddlewaretoken|version)" value="([^"]*)"')


class TeamMember(HttpUser):
    """Someone of the outreach team: the review queue, the calendar, the dashboard."""

    fixed_count = 50
    wait_time = between(1, 3)

    def on_start(self) -> None:
        self.client.cookies.set("sessionid", next(TEAM))

    @task(3)
    def queue(self) -> None:
        self.client.get("/review/", name="/review/")

    @task(2)
    def calendar(self) -> None:
        self.client.get("/calendar/", name="/calendar/")

    @task(2)
    def dashboard(self) -> None:
        self.client.get("/analytics/", name="/analytics/")


class Scientist(HttpUser):
    """A scientist who adds a photo to one of their drafts, then looks at their stories."""

    fixed_count = 10
    wait_time = between(2, 5)

    def on_start(self) -> None:
        mine = next(SCIENTISTS)
        self.client.cookies.set("sessionid", mine["session"])
        self.stories = iter(mine["stories"])

    @task(3)
    def upload(self) -> None:
        story = next(self.stories, None)
        if story is None:
            return
        page = self.client.get(f"/stories/{story['id']}/edit/", name="/stories/[id]/edit/")
        fields = dict(FIELD.findall(page.text))
        data = {**story["fields"], **fields, "action": "save"}
        with self.client.post(
            f"/stories/{story['id']}/edit/",
            data=data,
            files={"photos": ("photo.jpg", PHOTO, "image/jpeg")},
            name="/stories/[id]/edit/ (photo)",
            allow_redirects=False,
            catch_response=True,
        ) as answer:
            if answer.status_code != 302:
                answer.failure(f"photo not taken: {answer.status_code}")

    @task(1)
    def mine(self) -> None:
        self.client.get("/stories/", name="/stories/")
