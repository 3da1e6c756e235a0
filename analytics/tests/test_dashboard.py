"""The outreach team's dashboard: figures, their change, charts as tables, CSV, constant queries."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from typing import Any

import pytest
import time_machine
from django.test import Client

from analytics.tests.insight_factories import (
    AudienceSnapshotFactory,
    PostInsightFactory,
    account_days,
    published_post,
)

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 15)  # the default range is then 17 October to 14 November


def team_client(people: dict[str, Any]) -> Client:
    client = Client()
    client.force_login(people["outreach"])
    return client


def test_smoke(people) -> None:
    account_days(date(2026, 9, 1), date(2026, 11, 14))
    AudienceSnapshotFactory()
    PostInsightFactory()
    with time_machine.travel(TODAY):
        response = team_client(people).get("/analytics/")
    assert response.status_code == 200
    print(response.content.decode()[:200])
