import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from contributors.demo import DEMO_PASSWORD
from contributors.roles import CONTRIBUTORS, OUTREACH_TEAM, SCIENCE_REVIEWERS

pytestmark = pytest.mark.django_db


def counts() -> dict[str, int]:
    from django.apps import apps

    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label in {"contributors", "stories", "instagram", "scheduling", "analytics"}
    }


def test_seed_demo_creates_the_demo_users_and_can_run_again() -> None:
    call_command("seed_demo", verbosity=0)
    first = counts()
    call_command("seed_demo", verbosity=0)

    assert counts() == first
    users = {
        u.username: u
        for u in get_user_model().objects.filter(
            username__in=["scientist", "scientist2", "reviewer", "science", "admin"]
        )
    }
    assert set(users) == {"scientist", "scientist2", "reviewer", "science", "admin"}
    assert users["scientist"].groups.filter(name=CONTRIBUTORS).exists()
    assert users["reviewer"].groups.filter(name=OUTREACH_TEAM).exists()
    assert users["science"].groups.filter(name=SCIENCE_REVIEWERS).exists()
    assert users["admin"].is_staff


@pytest.mark.parametrize("username", ["scientist", "scientist2", "reviewer", "science", "admin"])
def test_each_demo_user_can_log_in_over_plain_http(username: str) -> None:
    call_command("seed_demo", verbosity=0)

    response = Client().post("/accounts/login/", {"login": username, "password": DEMO_PASSWORD})

    assert response.status_code == 302
    assert response.headers["Location"] == "/"
