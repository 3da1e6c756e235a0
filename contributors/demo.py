"""Demo people for ``seed_demo``: the five logins of the design, password ``cmsatdesy-demo``."""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from .models import CareerStage, Contributor, Publication
from .roles import CONTRIBUTORS, OUTREACH_TEAM, SCIENCE_REVIEWERS

DEMO_PASSWORD = "cmsatdesy-demo"  # noqa: S105 - the documented demo password, demo data only

DEMO_USERS = [
    # username, display name, e-mail, groups, staff, career stage, research area
    (
        "scientist",
        "Anna Becker",
        "anna.becker@desy.de",
        [CONTRIBUTORS],
        False,
        CareerStage.PHD,
        "Higgs boson pairs",
    ),
    (
        "scientist2",
        "Jonas Weber",
        "jonas.weber@desy.de",
        [CONTRIBUTORS],
        False,
        CareerStage.POSTDOC,
        "Top quarks",
    ),
    (
        "reviewer",
        "Mira Schulz",
        "mira.schulz@desy.de",
        [CONTRIBUTORS, OUTREACH_TEAM],
        False,
        CareerStage.STAFF,
        "Tracker upgrade",
    ),
    (
        "science",
        "Lukas Hoffmann",
        "lukas.hoffmann@desy.de",
        [CONTRIBUTORS, SCIENCE_REVIEWERS],
        False,
        CareerStage.STAFF,
        "Searches for dark matter",
    ),
    ("admin", "Site Admin", "admin@desy.de", [OUTREACH_TEAM], True, CareerStage.STAFF, "Computing"),
]


# A year of the group's results: (CMS id, arXiv id, title, days from today it is public, authors).
# Some are fresh and nobody tells them yet (the leads page), one is still under embargo.
DEMO_PUBLICATIONS = [
    (
        "CMS-TOP-25-007",
        "2512.04567",
        "Measurement of the top quark mass with lepton+jets events",
        -20,
        ["scientist2"],
    ),
    (
        "CMS-EXO-25-012",
        "2511.09876",
        "Search for dark matter produced with a single top quark",
        -45,
        ["science"],
    ),
    ("CMS-SMP-25-003", "2510.01122", "Measurement of the W boson width", -70, ["scientist", "scientist2"]),
    (
        "CMS-HIG-25-009",
        "2508.03344",
        "Observation of Higgs boson decays to a Z boson and a photon",
        -130,
        ["scientist"],
    ),
    (
        "CMS-TRK-25-001",
        "2506.05566",
        "Performance of the Phase-2 tracker prototype modules",
        -190,
        ["reviewer"],
    ),
    ("CMS-BPH-25-004", "2504.07788", "Study of rare B meson decays to muon pairs", -250, ["scientist2"]),
    (
        "CMS-SUS-25-002",
        "2502.09900",
        "Search for supersymmetry in final states with photons",
        -320,
        ["science"],
    ),
    (
        "CMS-HIG-26-001",
        "",
        "Higgs boson self-coupling from the combination of Run 3 searches",
        12,
        ["scientist"],
    ),
]


def _seed_publications(users: dict[str, Any]) -> None:
    from datetime import datetime, time, timedelta
    from zoneinfo import ZoneInfo

    from django.utils import timezone

    today = timezone.localdate()
    for cms_id, arxiv_id, title, days, authors in DEMO_PUBLICATIONS:
        public_from = datetime.combine(
            today + timedelta(days=days), time(10), tzinfo=ZoneInfo("Europe/Berlin")
        )
        publication, _ = Publication.objects.get_or_create(
            cms_id=cms_id, defaults={"title": title, "arxiv_id": arxiv_id, "public_from": public_from}
        )
        publication.contributors.add(*(users[name].contributor for name in authors))


def seed(
    *, scale: int = 1, log: object = print, context: dict[str, object] | None = None
) -> dict[str, object]:
    User = get_user_model()
    groups = {
        name: Group.objects.get_or_create(name=name)[0]
        for name in (CONTRIBUTORS, OUTREACH_TEAM, SCIENCE_REVIEWERS)
    }
    users = {}
    for username, display_name, email, group_names, staff, stage, area in DEMO_USERS:
        user, created = User.objects.get_or_create(username=username, defaults={"email": email})
        if created:
            user.set_password(DEMO_PASSWORD)
        user.email = email
        user.is_staff = staff
        user.is_superuser = staff
        user.first_name, _, user.last_name = display_name.partition(" ")
        user.save()
        user.groups.add(*(groups[name] for name in group_names))
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        Contributor.objects.update_or_create(
            user=user, defaults={"display_name": display_name, "career_stage": stage, "research_area": area}
        )
        users[username] = user
    publication, _ = Publication.objects.get_or_create(
        cms_id="CMS-HIG-25-001",
        defaults={
            "title": "Search for Higgs boson pair production in the four b quark final state",
            "arxiv_id": "2511.01234",
        },
    )
    publication.contributors.add(users["scientist"].contributor)
    _seed_publications(users)
    log(f"Demo users: {', '.join(users)} (password {DEMO_PASSWORD})")  # type: ignore[operator]
    return {"users": users, "publication": publication}
