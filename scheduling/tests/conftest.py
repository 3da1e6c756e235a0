from __future__ import annotations

from typing import Any

import pytest

from instagram.tests.conftest import demo_account  # noqa: F401 - the connected demo account, reused


@pytest.fixture
def publish_settings(settings: Any, public_media: Any) -> Any:
    """No waiting between publishing steps, so a test runs them at once; Meta downloads from here."""
    settings.PUBLIC_BASE_URL = public_media.base_url
    settings.PUBLISH_POLL_SECONDS = 0
    settings.PUBLISH_BACKOFF_SECONDS = 0
    settings.PUBLISH_LEASE_SECONDS = 60
    settings.GRAPH_API_TIMEOUT = 3.0
    return settings
