import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import NoReverseMatch

from cmsatdesy_cms import navigation
from contributors.roles import roles_of

pytestmark = pytest.mark.django_db


def nav_links(client: Client) -> set[str]:
    html = client.get("/").content.decode()
    nav = html.split('id="main-nav"', 1)[1].split("</nav>", 1)[0]
    return {
        re.sub(r"\s+", " ", label).strip()
        for label in re.findall(r'class="nav-link[^"]*"[^>]*>([^<]+)<', nav)
    }


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_contributor_sees_their_stories_but_not_the_team_pages(people) -> None:
    links = nav_links(client_for(people["contributor"]))

    assert {"My stories", "Tell a story", "My profile"} <= links
    assert not links & {"Review", "Admin", "Calendar", "Leads", "Training", "Analytics", "Instagram"}


def test_the_outreach_team_sees_the_review_queue(people) -> None:
    links = nav_links(client_for(people["outreach"]))

    assert {"My stories", "Review", "Calendar", "Leads", "Training", "Analytics", "Instagram"} <= links
    assert "Admin" not in links


def test_a_science_reviewer_sees_the_review_queue_but_not_the_schedule(people) -> None:
    links = nav_links(client_for(people["science"]))

    assert "Review" in links
    assert not links & {"Calendar", "Leads", "Training"}


def test_an_admin_also_sees_the_admin(people) -> None:
    assert {"Review", "Admin"} <= nav_links(client_for(people["admin"]))


def test_every_link_in_the_navigation_opens_its_page_for_everyone_who_sees_it(people) -> None:
    for role, user in people.items():
        client = client_for(user)
        for entry in navigation.NAVIGATION:
            if entry.shown_to(roles_of(user)):
                assert client.get(entry.url()).status_code == 200, (role, entry.url_name)


def test_a_mistyped_page_name_in_the_navigation_fails_instead_of_hiding_the_link(people, monkeypatch) -> None:
    mistyped = navigation.NavEntry("stories:mien", "My stories", navigation.signed_in)
    monkeypatch.setattr(navigation, "NAVIGATION", [*navigation.NAVIGATION, mistyped])

    with pytest.raises(NoReverseMatch):
        client_for(people["contributor"]).get("/")


def test_the_team_and_admins_find_the_analytics_dashboard(people) -> None:
    for role in ("outreach", "admin"):
        html = client_for(people[role]).get("/").content.decode()
        assert '<a class="nav-link" href="/analytics/">Analytics</a>' in html


def test_a_forgotten_password_can_be_reset_from_the_e_mail(
    people, tasks_run_inline, django_capture_on_commit_callbacks
) -> None:
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/password/reset/", {"email": people["contributor"].email})

    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^\s]+(/accounts/password/reset/key/[^\s]+/)", mail.outbox[0].body).group(1)
    form_url = client.get(link).headers.get("Location", link)
    response = client.post(form_url, {"password1": "Tau-neutrino-2026", "password2": "Tau-neutrino-2026"})

    assert response.status_code == 302
    login = Client().post(
        "/accounts/login/", {"login": people["contributor"].username, "password": "Tau-neutrino-2026"}
    )
    assert login.status_code == 302
