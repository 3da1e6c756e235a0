"""axe-core finds no serious or critical accessibility problem on the login, sign-up and start
pages and on the error pages, in English and German. axe is injected with the page's CSP
bypassed (test browser only); the pages themselves keep their strict policy."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from contributors.tests.factories import contributor_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parent / "vendor" / "axe-core-4.14.1" / "axe.min.js"
LANGUAGES = ["en", "de"]


@pytest.fixture
def axe_context(browser: Any, live_server: Any) -> Iterator[Any]:
    context = browser.new_context(
        base_url=live_server.url, locale="en-GB", viewport={"width": 1280, "height": 900}, bypass_csp=True
    )
    context.set_default_timeout(10_000)
    yield context
    context.close()


def open_page(context: Any, live_server: Any, language: str) -> Any:
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    return context.new_page()


def serious_violations(page: Any) -> list[str]:
    page.add_script_tag(path=str(AXE))
    # label-content-name-mismatch (WCAG 2.5.3) is experimental in axe, so off unless asked for.
    results = page.evaluate(
        """async () => await axe.run(document, {
            resultTypes: ['violations'],
            rules: {'label-content-name-mismatch': {enabled: true}},
        })"""
    )
    return [
        f"{v['impact']} {v['id']}: {v['help']} at {[node['target'] for node in v['nodes']]}"
        for v in results["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def sign_in(context: Any, live_server: Any) -> None:
    """The session of a signed-in contributor, without typing (the login page has its own test)."""
    client = Client()
    client.force_login(contributor_user(username="axel"))
    cookie = client.cookies["sessionid"]
    context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server.url}])


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_login_page_has_no_serious_accessibility_problem(
    axe_context: Any, live_server: Any, language: str
) -> None:
    page = open_page(axe_context, live_server, language)
    page.goto("/accounts/login/")
    assert page.locator("html").get_attribute("lang") == language

    assert serious_violations(page) == []


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("path", ["/", "/accounts/signup/", "/no-such-page/"])
def test_public_pages_have_no_serious_accessibility_problem(
    axe_context: Any, live_server: Any, language: str, path: str
) -> None:
    page = open_page(axe_context, live_server, language)
    page.goto(path)

    assert serious_violations(page) == []


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("path", ["/", "/review/"])
def test_a_contributors_start_page_and_error_pages_have_no_serious_accessibility_problem(
    axe_context: Any, live_server: Any, language: str, path: str
) -> None:
    sign_in(axe_context, live_server)
    page = open_page(axe_context, live_server, language)
    response = page.goto(path)
    assert response is not None and response.status in (200, 403)

    assert serious_violations(page) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_500_page_has_no_serious_accessibility_problem(
    axe_context: Any, live_server: Any, language: str, settings: Any
) -> None:
    settings.ROOT_URLCONF = "cmsatdesy_cms.tests.crashing_urls"
    page = open_page(axe_context, live_server, language)
    response = page.goto("/crash/")
    assert response is not None and response.status == 500

    assert serious_violations(page) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_csrf_and_lockout_pages_have_no_serious_accessibility_problem(
    axe_context: Any, live_server: Any, language: str, settings: Any
) -> None:
    contributor_user(username="axel")
    page = open_page(axe_context, live_server, language)
    page.goto("/accounts/login/")
    page.locator("input[name=login]").fill("axel")
    page.locator("input[name=password]").fill("not-the-password")
    axe_context.clear_cookies(name="csrftoken")
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.locator("input[name=password]").press("Enter")
    page.wait_for_load_state()
    assert answer.value.status == 403
    csrf_problems = serious_violations(page)

    settings.AXES_FAILURE_LIMIT = 1
    page = open_page(axe_context, live_server, language)
    page.goto("/accounts/login/")
    page.locator("input[name=login]").fill("axel")
    page.locator("input[name=password]").fill("not-the-password")
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.locator("input[name=password]").press("Enter")
    page.wait_for_load_state()
    assert answer.value.status == 429

    assert (csrf_problems, serious_violations(page)) == ([], [])
