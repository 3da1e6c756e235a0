"""Linking a story to a result by arXiv id, DOI or CMS public-result id."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from contributors.models import Publication
from contributors.tests.factories import PublicationFactory
from stories import services
from stories.validators import parse_result_reference


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("2511.01234", "arxiv", "2511.01234"),
        ("arXiv:2511.01234v2", "arxiv", "2511.01234"),
        ("https://arxiv.org/abs/2407.12345", "arxiv", "2407.12345"),
        ("hep-ex/0601001", "arxiv", "hep-ex/0601001"),
        ("10.1103/PhysRevLett.134.011801", "doi", "10.1103/physrevlett.134.011801"),
        ("https://doi.org/10.1007/JHEP05(2025)123", "doi", "10.1007/jhep05(2025)123"),
        ("CMS-HIG-25-001", "cms", "CMS-HIG-25-001"),
        ("cms-pas-top-24-003", "cms", "CMS-PAS-TOP-24-003"),
        (" CMS-B2G-23-007 ", "cms", "CMS-B2G-23-007"),
    ],
)
def test_references_are_recognised_and_normalised(text: str, kind: str, value: str) -> None:
    parsed = parse_result_reference(text)
    assert (parsed.kind, parsed.value) == (kind, value)


@pytest.mark.parametrize(
    "text", ["", "hello", "2511.123", "10.12/x", "CMS-HIGGS-25-001", "<script>alert(1)</script>", "arXiv:"]
)
def test_anything_else_is_refused_with_a_clear_message(text: str) -> None:
    with pytest.raises(ValidationError) as excinfo:
        parse_result_reference(text)
    assert "is not an arXiv id" in excinfo.value.messages[0]


@pytest.mark.django_db
def test_link_result_finds_a_known_publication() -> None:
    known = PublicationFactory(arxiv_id="2511.01234", cms_id="CMS-HIG-25-001")
    assert services.link_result("arXiv:2511.01234v3") == known
    assert services.link_result("cms-hig-25-001") == known
    assert Publication.objects.count() == 1


@pytest.mark.django_db
def test_link_result_creates_nothing_for_an_unknown_reference() -> None:
    assert services.link_result("10.1103/PhysRevD.111.012345") is None
    assert Publication.objects.count() == 0


@pytest.mark.django_db
def test_link_result_refuses_nonsense() -> None:
    with pytest.raises(services.InvalidInput) as excinfo:
        services.link_result("my great paper")
    assert list(excinfo.value.errors) == ["result_reference"]
