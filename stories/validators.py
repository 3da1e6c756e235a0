"""Checks of what people type that forms and services share."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# New-style arXiv ids (since 2007: YYMM.NNNN, since 2015 YYMM.NNNNN), optionally versioned.
ARXIV_PATTERN = re.compile(r"^(?:arxiv:)?(\d{4}\.\d{4,5})(?:v\d+)?$", re.IGNORECASE)
# Old-style arXiv ids such as hep-ex/0601001.
ARXIV_OLD_PATTERN = re.compile(r"^(?:arxiv:)?([a-z-]+(?:\.[a-z]{2})?/\d{7})(?:v\d+)?$", re.IGNORECASE)
DOI_PATTERN = re.compile(r"^(?:doi:)?(10\.\d{4,9}/\S+)$", re.IGNORECASE)
# CMS public results: papers CMS-HIG-25-001, analysis summaries CMS-PAS-TOP-24-003,
# detector and physics performance notes CMS-DP-2024-012.
CMS_PATTERN = re.compile(r"^CMS-(?:PAS-)?[A-Z0-9]{3}-\d{2}-\d{3}$|^CMS-DP-\d{4}-\d{3}$", re.IGNORECASE)

_URL_PREFIXES = (
    "https://arxiv.org/abs/",
    "http://arxiv.org/abs/",
    "https://doi.org/",
    "http://doi.org/",
    "https://dx.doi.org/",
    "http://dx.doi.org/",
)


@dataclass(frozen=True)
class ResultReference:
    kind: str  # "arxiv", "doi" or "cms"
    value: str  # normalised: arXiv id without version, DOI lower-case, CMS id upper-case


def parse_result_reference(text: str) -> ResultReference:
    """Recognise an arXiv id, a DOI or a CMS public-result id; raise ValidationError otherwise."""
    value = text.strip()
    for prefix in _URL_PREFIXES:
        if value.lower().startswith(prefix):
            value = value[len(prefix) :]
            break
    if match := ARXIV_PATTERN.match(value) or ARXIV_OLD_PATTERN.match(value):
        return ResultReference("arxiv", match.group(1).lower())
    if match := DOI_PATTERN.match(value):
        # DOIs are case-insensitive by definition.
        return ResultReference("doi", match.group(1).lower())
    if CMS_PATTERN.match(value):
        return ResultReference("cms", value.upper())
    raise ValidationError(
        _(
            "“%(value)s” is not an arXiv id (like 2511.01234), a DOI (like 10.1103/PhysRevLett.1) "
            "or a CMS result id (like CMS-HIG-25-001)."
        ),
        code="invalid_reference",
        params={"value": text.strip()[:100]},
    )


def validate_result_reference(text: str) -> None:
    if text.strip():
        parse_result_reference(text)


def result_links(*, arxiv_id: str = "", doi: str = "", cms_id: str = "") -> list[tuple[str, str]]:
    """Where a result can be read: (label, address) for its arXiv page, DOI and CMS page."""
    links: list[tuple[str, str]] = []
    if arxiv_id:
        links.append((f"arXiv:{arxiv_id}", f"https://arxiv.org/abs/{arxiv_id}"))
    if doi:
        links.append((f"doi:{doi}", f"https://doi.org/{doi}"))
    if cms_id:
        short = cms_id.upper().removeprefix("CMS-")
        links.append(
            (
                cms_id.upper(),
                f"https://cms-results.web.cern.ch/cms-results/public-results/publications/{short}/index.html",
            )
        )
    return links


def reference_links(reference: str) -> list[tuple[str, str]]:
    """The links of a reference typed into a story that no import knows yet."""
    try:
        parsed = parse_result_reference(reference)
    except ValidationError:
        return []
    return result_links(**{{"arxiv": "arxiv_id", "doi": "doi", "cms": "cms_id"}[parsed.kind]: parsed.value})
