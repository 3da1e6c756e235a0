"""import_publications: INSPIRE-HEP JSON and arXiv Atom, authors matched, idempotent, all or nothing."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command

from contributors.importing import AuthorMatcher, AuthorRecord
from contributors.models import Contributor, Publication
from contributors.tests.factories import PublicationFactory, contributor_user

pytestmark = pytest.mark.django_db

SAMPLES = Path(__file__).parent / "samples"
INSPIRE = SAMPLES / "inspire_literature.json"
ATOM = SAMPLES / "arxiv.atom"


def person(username: str, first: str, last: str, **fields: Any) -> Contributor:
    user = contributor_user(username=username, first_name=first, last_name=last)
    contributor: Contributor = user.contributor
    for key, value in fields.items():
        setattr(contributor, key, value)
    contributor.display_name = f"{first} {last}"
    contributor.save()
    return contributor


@pytest.fixture
def group() -> dict[str, Contributor]:
    return {
        # ORCID decides, whatever the name says.
        "anna": person("anna", "Anne", "Becker-Schmidt", orcid="0000-0002-1825-0097"),
        "joerg": person("joerg", "Jorg", "Muller"),  # typed without accents
        "jonas": person("jonas", "Jonas", "Weber", inspire_id="J.Weber.3"),
        "julia": person("julia", "Julia", "Weber"),  # a second J. Weber: initials alone are ambiguous
        "lukas": person("lukas", "Lukas", "Hoffmann"),
        "mira": person("mira", "Mira", "Schulz", inspire_id="INSPIRE-00654321"),
    }


def snapshot() -> list[tuple[Any, ...]]:
    return [
        (
            p.title,
            p.arxiv_id,
            p.doi,
            p.cms_id,
            p.inspire_id,
            p.journal,
            p.public_from,
            tuple(sorted(p.contributors.values_list("pk", flat=True))),
        )
        for p in Publication.objects.order_by("pk").prefetch_related("contributors")
    ]


def test_inspire_export_is_read_and_authors_are_matched(group: dict[str, Contributor], capsys: Any) -> None:
    call_command("import_publications", str(INSPIRE))
    assert "2 new, 0 updated" in capsys.readouterr().out
    higgs = Publication.objects.get(cms_id="CMS-HIG-25-001")
    assert higgs.arxiv_id == "2511.01234"
    assert higgs.doi == "10.1007/JHEP01(2026)042"
    assert higgs.inspire_id == "2891234"
    assert higgs.public_from == datetime(2025, 11, 3, tzinfo=ZoneInfo("Europe/Berlin"))
    assert set(higgs.contributors.all()) == {group["anna"], group["joerg"], group["jonas"]}
    top = Publication.objects.get(cms_id="CMS-TOP-25-007")
    assert set(top.contributors.all()) == {group["lukas"], group["mira"]}


def test_importing_the_same_file_twice_changes_nothing(group: dict[str, Contributor], capsys: Any) -> None:
    call_command("import_publications", str(INSPIRE))
    first = snapshot()
    call_command("import_publications", str(INSPIRE))
    assert "0 new, 2 updated" in capsys.readouterr().out
    assert snapshot() == first
    assert Publication.objects.count() == 2


def test_import_updates_a_publication_known_by_another_id(group: dict[str, Contributor]) -> None:
    known = PublicationFactory(title="Old title", arxiv_id="2511.01234", cms_id="", doi="")
    call_command("import_publications", str(INSPIRE))
    known.refresh_from_db()
    assert known.title.startswith("Search for Higgs boson pair production")
    assert known.cms_id == "CMS-HIG-25-001"
    assert Publication.objects.count() == 2


def test_arxiv_atom_feed_is_read(group: dict[str, Contributor]) -> None:
    call_command("import_publications", str(ATOM))
    publication = Publication.objects.get(arxiv_id="2601.00321")
    assert publication.title == "Observation of a rare decay of the Higgs boson"
    assert publication.doi == "10.1103/PhysRevLett.136.011801"
    # "Anna Becker" is not "Anne Becker-Schmidt": no ORCID in an arXiv feed, so no match.
    assert set(publication.contributors.all()) == {group["jonas"]}


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "Unknown file"),
        (b"%PDF-1.7 not a list", "Unknown file"),
        (
            b'{"hits": {"hits": [{"metadata": {"titles": [{"title": "Fine"}]}}, {"metadata": {"titles": []}}]}}',
            "Record 2 has no title",
        ),
        (b'{"hits": {"hits": [{"metadata": ', "JSON cannot be read"),
        (b'{"something": "else"}', "not an INSPIRE-HEP literature export"),
        (b"<feed xmlns='http://www.w3.org/2005/Atom'><entry><title>x</title>", "XML cannot be read"),
        (b"<html><body>Not found</body></html>", "not an arXiv Atom feed"),
    ],
)
def test_a_broken_or_unknown_file_changes_nothing_and_says_why(
    group: dict[str, Contributor], tmp_path: Path, content: bytes, reason: str
) -> None:
    call_command("import_publications", str(INSPIRE))
    before = snapshot()
    bad = tmp_path / "bad.json"
    bad.write_bytes(content)
    with pytest.raises(CommandError, match=reason) as refused:
        call_command("import_publications", str(bad))
    assert "nothing imported" in str(refused.value)
    assert snapshot() == before


def test_a_missing_file_is_reported() -> None:
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_publications", "/nonexistent/file.json")


def test_name_variants_with_accents_and_initials(group: dict[str, Contributor]) -> None:
    matcher = AuthorMatcher(list(Contributor.objects.select_related("user")))
    assert matcher.match(AuthorRecord(name="Müller, Jörg")) == group["joerg"]
    assert matcher.match(AuthorRecord(name="J. Muller")) == group["joerg"]
    assert matcher.match(AuthorRecord(name="Hoffmann, L.")) == group["lukas"]
    assert matcher.match(AuthorRecord(name="Weber, J.")) is None  # Jonas or Julia
    assert matcher.match(AuthorRecord(name="Weber, Julia")) == group["julia"]
    assert matcher.match(AuthorRecord(name="Rossi, Maria")) is None


def test_the_admin_imports_and_refuses_like_the_command(people: dict[str, Any], client: Any) -> None:
    client.force_login(people["admin"])
    with INSPIRE.open("rb") as upload:
        response = client.post("/admin/contributors/publication/import/", {"file": upload}, follow=True)
    assert "2 new, 0 updated" in response.content.decode()
    before = snapshot()
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        "/admin/contributors/publication/import/", {"file": SimpleUploadedFile("x.json", b"{broken")}
    )
    assert response.status_code == 200
    assert "JSON cannot be read" in response.content.decode()
    assert snapshot() == before
