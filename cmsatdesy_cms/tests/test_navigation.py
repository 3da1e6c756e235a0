import re

import pytest
from django.core import mail
from django.test import Client

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
    assert not links & {"Review", "Admin", "Calendar", "Analytics", "Instagram"}


def test_the_outreach_team_sees_the_review_queue(people) -> None:
    links = nav_links(client_for(people["outreach"]))

    assert {"My stories", "Review", "Instagram"} <= links
    assert "Admin" not in links


def test_a_science_reviewer_sees_the_review_queue(people) -> None:
    assert "Review" in nav_links(client_for(people["science"]))


def test_an_admin_also_sees_the_admin(people) -> None:
    assert {"Review", "Admin"} <= nav_links(client_for(people["admin"]))


def test_a_forgotten_password_can_be_reset_from_the_e_mail(people) -> None:
    client = Client()
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
