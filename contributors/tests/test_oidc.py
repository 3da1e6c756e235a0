"""Sign-in through an institution's OpenID Connect provider, end to end in real Chromium.

DESY and CERN run Keycloak; here allauth's own OpenID provider stands in for it. It runs as a
site of its own, in its own process with its own database, sessions and origin (127.0.0.1, while
the live server is localhost, so the two never share a cookie), so discovery, the token exchange
and userinfo all go over real HTTP between two servers, as they would in production.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import expect

from contributors.adapters import domain_refusal_message
from contributors.oidc import institution_openid_connect
from contributors.roles import CONTRIBUTORS

ROOT = Path(__file__).resolve().parents[2]
PROVIDER_NAME = "DESY"
IDP_PASSWORD = "Keycloak-stand-in-1"
CLIENT_ID = "cmsatdesy"
CLIENT_SECRET = "a-client-secret-for-tests"

# The provider's own site: migrate, then its people and the client registration for this site.
SEED_PROVIDER = """
import json, os
from django.core.management import call_command
call_command("migrate", verbosity=0)
from allauth.account.models import EmailAddress
from allauth.idp.oidc.models import Client
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

seed = json.loads(os.environ["IDP_SEED"])
for person in seed["people"]:
    user = get_user_model().objects.create_user(
        person["username"], person["email"], seed["password"],
        first_name=person["first_name"], last_name=person["last_name"],
    )
    EmailAddress.objects.create(user=user, email=person["email"], verified=True, primary=True)
client = Client(id=seed["client_id"], name="cmsatdesy", secret=make_password(seed["secret"]))
client.set_scopes(["openid", "profile", "email"])
client.set_redirect_uris([seed["redirect_uri"]])
client.save()
"""

PEOPLE = [
    {"username": "kmeyer", "email": "kim.meyer@desy.de", "first_name": "Kim", "last_name": "Meyer"},
    {"username": "eve", "email": "eve@example.com", "first_name": "Eve", "last_name": "Outsider"},
]


@dataclass
class Institution:
    url: str
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def provider_environment(var_dir: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        # The provider is a site of its own: none of this site's database, cache, broker or provider.
        if not key.startswith("OIDC_") and key not in {"DATABASE_URL", "CACHE_URL", "CELERY_BROKER_URL"}
    }
    env.update(
        {
            "CMS_TESTING": "1",
            "CMS_VAR_DIR": str(var_dir),
            "DATABASE_URL": f"sqlite:///{var_dir / 'provider.sqlite3'}",
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


@pytest.fixture(scope="module")
def institution(live_server: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Institution]:
    """The institution's OpenID provider, running in its own process."""
    var_dir = tmp_path_factory.mktemp("institution")
    env = provider_environment(var_dir)
    callback = live_server.url + reverse("openid_connect_callback", kwargs={"provider_id": "institution"})
    env["IDP_SEED"] = json.dumps(
        {
            "people": PEOPLE,
            "password": IDP_PASSWORD,
            "client_id": CLIENT_ID,
            "secret": CLIENT_SECRET,
            "redirect_uri": callback,
        }
    )
    seeded = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", SEED_PROVIDER],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert seeded.returncode == 0, seeded.stderr

    port = free_port()
    log_path = var_dir / "provider.log"
    with log_path.open("wb") as log_file:
        process = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
            cwd=ROOT,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    provider = Institution(url=f"http://127.0.0.1:{port}", log_path=log_path)
    deadline = time.monotonic() + 30
    while True:
        try:
            if requests.get(f"{provider.url}/.well-known/openid-configuration", timeout=2).ok:
                break
        except requests.ConnectionError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"The OpenID provider did not start:\n{provider.log()}")
        time.sleep(0.1)
    yield provider
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.fixture
def institution_sign_in(settings: Any, institution: Institution) -> Institution:
    """This site configured, as OIDC_* would configure it, to sign in through the institution."""
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": institution_openid_connect(
            server_url=institution.url, client_id=CLIENT_ID, secret=CLIENT_SECRET, name=PROVIDER_NAME
        )
    }
    return institution


def sign_in_through_the_institution(page: Any, institution: Institution, username: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_role("button", name=f"Sign in with {PROVIDER_NAME}").click()
    # The institution's login page, on the institution's site.
    page.wait_for_url(re.compile(re.escape(institution.url) + r"/accounts/login/"))
    page.get_by_label("Username or email").fill(username)
    page.get_by_label("Password").fill(IDP_PASSWORD)
    page.get_by_role("button", name="Sign In", exact=True).click()
    # The institution asks whether to let this site see who the person is.
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(lambda url: not url.startswith(institution.url))
    page.wait_for_load_state()


@pytest.mark.browser
def test_an_institutional_address_signs_in_through_the_institution_and_is_a_contributor(
    page: Any, institution_sign_in: Institution, live_server: Any
) -> None:
    sign_in_through_the_institution(page, institution_sign_in, "kmeyer")

    page.wait_for_url(f"{live_server.url}/")
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    user = get_user_model().objects.get(email="kim.meyer@desy.de")
    assert user.username == "kmeyer"
    assert (user.first_name, user.last_name) == ("Kim", "Meyer")
    assert EmailAddress.objects.filter(user=user, email="kim.meyer@desy.de", verified=True).exists()
    assert user.groups.filter(name=CONTRIBUTORS).exists()
    assert SocialAccount.objects.filter(user=user, provider="institution").exists()


@pytest.mark.browser
def test_an_address_outside_the_institutions_is_refused_and_no_account_is_made(
    page: Any, institution_sign_in: Institution, live_server: Any
) -> None:
    sign_in_through_the_institution(page, institution_sign_in, "eve")

    page.wait_for_url(f"{live_server.url}/accounts/login/")
    with translation.override("en"):
        expect(page.get_by_text(domain_refusal_message())).to_be_visible()
    expect(page.get_by_role("button", name="Log out")).to_have_count(0)
    assert not get_user_model().objects.filter(email="eve@example.com").exists()
    assert not EmailAddress.objects.filter(email="eve@example.com").exists()
    assert not SocialAccount.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("configured", [True, False])
def test_the_login_page_offers_the_institution_only_when_configured(
    client: Any, settings: Any, configured: bool
) -> None:
    settings.SOCIALACCOUNT_PROVIDERS = (
        {
            "openid_connect": institution_openid_connect(
                server_url="https://keycloak.example/realms/desy",
                client_id=CLIENT_ID,
                secret=CLIENT_SECRET,
                name=PROVIDER_NAME,
            )
        }
        if configured
        else {}
    )
    response = client.get(reverse("account_login"))

    assert response.status_code == 200
    assert (f"Sign in with {PROVIDER_NAME}" in response.content.decode()) is configured


def settings_from(env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """Settings as a server started with this environment reads them."""
    script = (
        "import json; from django.conf import settings; print(json.dumps({"
        "'providers': settings.SOCIALACCOUNT_PROVIDERS,"
        "'form_action': settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['form-action']}))"
    )
    base = {key: value for key, value in os.environ.items() if not key.startswith("OIDC_")}
    base.pop("CMS_TESTING", None)
    return subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=ROOT,
        env={
            **base,
            "DJANGO_ENV": "production",
            "SECRET_KEY": "x" * 50,
            "ALLOWED_HOSTS": "cmsatdesy.example",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'unused.sqlite3'}",
            "CMS_VAR_DIR": str(tmp_path),
            **env,
        },
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_oidc_environment_configures_the_institution_and_lets_the_login_form_reach_it(
    tmp_path: Path,
) -> None:
    result = settings_from(
        {
            "OIDC_SERVER_URL": "https://keycloak.desy.de/realms/desy",
            "OIDC_CLIENT_ID": "cmsatdesy",
            "OIDC_CLIENT_SECRET": "s3cret",
            "OIDC_PROVIDER_NAME": "DESY",
        },
        tmp_path,
    )
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout.strip().splitlines()[-1])
    (app,) = found["providers"]["openid_connect"]["APPS"]
    assert app == {
        "provider_id": "institution",
        "name": "DESY",
        "client_id": "cmsatdesy",
        "secret": "s3cret",
        "settings": {"server_url": "https://keycloak.desy.de/realms/desy"},
    }
    # The "Sign in with" form redirects there; a stricter form-action would stop the browser.
    assert found["form_action"] == ["'self'", "https://keycloak.desy.de"]

    unset = settings_from({}, tmp_path)
    assert unset.returncode == 0, unset.stderr
    assert json.loads(unset.stdout.strip().splitlines()[-1])["providers"] == {}


def test_half_an_oidc_configuration_fails_loudly(tmp_path: Path) -> None:
    result = settings_from({"OIDC_SERVER_URL": "https://keycloak.desy.de/realms/desy"}, tmp_path)

    assert result.returncode != 0
    assert "OIDC_SERVER_URL and OIDC_CLIENT_ID must be set together" in result.stderr
