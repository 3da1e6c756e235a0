"""Import publications from an INSPIRE-HEP literature JSON export or an arXiv Atom feed.

Authors are matched to contributors by ORCID iD, then INSPIRE id, then by name (accents and
initials allowed, only when exactly one person fits). Importing again updates the same rows;
a broken or unknown file changes nothing and says why.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any
from xml.etree import ElementTree
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils.translation import gettext as _

from .models import Contributor, Publication

BERLIN = ZoneInfo("Europe/Berlin")
ATOM = "{http://www.w3.org/2005/Atom}"
ARXIV = "{http://arxiv.org/schemas/atom}"
ARXIV_ID = re.compile(r"(\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Z]{2})?/\d{7})(v\d+)?$")
CMS_ID = re.compile(r"^CMS-[A-Z0-9]+-\d{2}-\d{3}$")
MAX_BYTES = 20 * 1024 * 1024


class PublicationImportError(Exception):
    pass


@dataclass
class AuthorRecord:
    name: str
    orcid: str = ""
    inspire_ids: list[str] = field(default_factory=list)


@dataclass
class PublicationRecord:
    title: str
    arxiv_id: str = ""
    doi: str = ""
    cms_id: str = ""
    inspire_id: str = ""
    journal: str = ""
    abstract: str = ""
    public_from: datetime | None = None
    authors: list[AuthorRecord] = field(default_factory=list)


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    matched_authors: int = 0


# --- names -------------------------------------------------------------------------------


def _plain(text: str) -> str:
    """Lower case, accents and punctuation gone: "Müller-Lüdenscheidt" → "muller ludenscheidt"."""
    decomposed = unicodedata.normalize("NFKD", text.replace("ß", "ss").replace("ø", "o").replace("ł", "l"))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(re.sub(r"[^a-z ]+", " ", stripped.lower()).split())


def split_name(name: str) -> tuple[str, str]:
    """(given names, family name) of "Family, Given" or "Given Family"."""
    if "," in name:
        family, given = name.split(",", 1)
    else:
        parts = name.split()
        given, family = " ".join(parts[:-1]), (parts[-1] if parts else "")
    return _plain(given), _plain(family)


class AuthorMatcher:
    def __init__(self, contributors: list[Contributor]) -> None:
        self.by_orcid = {c.orcid: c for c in contributors if c.orcid}
        self.by_inspire = {c.inspire_id.lower(): c for c in contributors if c.inspire_id}
        self.by_full: dict[tuple[str, str], list[Contributor]] = {}
        self.by_initial: dict[tuple[str, str], list[Contributor]] = {}
        for contributor in contributors:
            for given, family in self._names_of(contributor):
                if not family:
                    continue
                self.by_full.setdefault((given, family), []).append(contributor)
                if given:
                    self.by_initial.setdefault((given[0], family), []).append(contributor)

    @staticmethod
    def _names_of(contributor: Contributor) -> set[tuple[str, str]]:
        names = set()
        user = contributor.user
        if user.last_name:
            names.add((_plain(user.first_name), _plain(user.last_name)))
        if contributor.display_name:
            names.add(split_name(contributor.display_name))
        return names

    def match(self, author: AuthorRecord) -> Contributor | None:
        if author.orcid and author.orcid in self.by_orcid:
            return self.by_orcid[author.orcid]
        for inspire_id in author.inspire_ids:
            if inspire_id.lower() in self.by_inspire:
                return self.by_inspire[inspire_id.lower()]
        given, family = split_name(author.name)
        full = {id(c): c for c in self.by_full.get((given, family), [])}
        if len(full) == 1:
            return next(iter(full.values()))
        if given:
            # "J. Smith" or "J Smith": only the initial is known.
            first = given[0]
            candidates = {id(c): c for c in self.by_initial.get((first, family), [])}
            if len(given.replace(" ", "")) > 1 and " " not in given:
                # A full given name that did not match exactly: accept only the same initial + name.
                candidates = {k: c for k, c in candidates.items() if _initial_compatible(given, c)}
            if len(candidates) == 1:
                return next(iter(candidates.values()))
        return None


def _initial_compatible(given: str, contributor: Contributor) -> bool:
    names = AuthorMatcher._names_of(contributor)
    return any(known and (known == given or len(known.split()[0]) == 1) for known, _family in names)


# --- readers ---------------------------------------------------------------------------


def _date(value: str) -> datetime | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        if len(value) == 10:
            return datetime.combine(date.fromisoformat(value), time(0), tzinfo=BERLIN)
        if len(value) == 7:
            return datetime.combine(date.fromisoformat(value + "-01"), time(0), tzinfo=BERLIN)
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=BERLIN)


def _first(items: Any, key: str = "value") -> str:
    if isinstance(items, list):
        for item in items:
            if isinstance(item, dict) and isinstance(item.get(key), str) and item[key].strip():
                return str(item[key]).strip()
    return ""


def _inspire_record(hit: Any, number: int) -> PublicationRecord:
    metadata = hit.get("metadata", hit) if isinstance(hit, dict) else None
    if not isinstance(metadata, dict):
        raise PublicationImportError(
            _("Record %(number)d is not an INSPIRE literature record.") % {"number": number}
        )
    title = _first(metadata.get("titles"), "title")
    if not title:
        raise PublicationImportError(_("Record %(number)d has no title.") % {"number": number})
    cms_id = ""
    for report in metadata.get("report_numbers") or []:
        value = str(report.get("value", "")).strip().upper() if isinstance(report, dict) else ""
        if CMS_ID.match(value):
            cms_id = value
            break
    authors = []
    for author in metadata.get("authors") or []:
        if not isinstance(author, dict) or not author.get("full_name"):
            continue
        ids = [i for i in author.get("ids") or [] if isinstance(i, dict)]
        authors.append(
            AuthorRecord(
                name=str(author["full_name"]),
                orcid=next((str(i.get("value", "")) for i in ids if i.get("schema") == "ORCID"), ""),
                inspire_ids=[
                    str(i.get("value", "")) for i in ids if str(i.get("schema", "")).startswith("INSPIRE")
                ],
            )
        )
    journal = ""
    info = metadata.get("publication_info") or []
    if info and isinstance(info[0], dict):
        journal = " ".join(
            str(info[0].get(key, ""))
            for key in ("journal_title", "journal_volume", "artid")
            if info[0].get(key)
        )
    return PublicationRecord(
        title=title[:500],
        arxiv_id=_first(metadata.get("arxiv_eprints"))[:40],
        doi=_first(metadata.get("dois"))[:200],
        cms_id=cms_id[:40],
        inspire_id=str(metadata.get("control_number") or hit.get("id") or "")[:40],
        journal=journal[:300],
        abstract=_first(metadata.get("abstracts")),
        public_from=_date(str(metadata.get("earliest_date") or metadata.get("preprint_date") or "")),
        authors=authors,
    )


def read_inspire_json(data: bytes) -> list[PublicationRecord]:
    try:
        document = json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise PublicationImportError(_("The JSON cannot be read: %(error)s") % {"error": exc}) from exc
    if isinstance(document, dict) and isinstance(document.get("hits"), dict):
        hits = document["hits"].get("hits")
    elif isinstance(document, dict) and "metadata" in document:
        hits = [document]
    elif isinstance(document, list):
        hits = document
    else:
        raise PublicationImportError(_("This JSON is not an INSPIRE-HEP literature export."))
    if not isinstance(hits, list) or not hits:
        raise PublicationImportError(_("The file holds no publications."))
    return [_inspire_record(hit, number) for number, hit in enumerate(hits, start=1)]


def read_arxiv_atom(data: bytes) -> list[PublicationRecord]:
    try:
        root = ElementTree.fromstring(data)  # noqa: S314 - the stdlib parser refuses external entities
    except ElementTree.ParseError as exc:
        raise PublicationImportError(_("The XML cannot be read: %(error)s") % {"error": exc}) from exc
    if root.tag != f"{ATOM}feed":
        raise PublicationImportError(_("This XML is not an arXiv Atom feed."))
    records = []
    for number, entry in enumerate(root.findall(f"{ATOM}entry"), start=1):
        identifier = (entry.findtext(f"{ATOM}id") or "").strip()
        found = ARXIV_ID.search(identifier)
        title = " ".join((entry.findtext(f"{ATOM}title") or "").split())
        if not found or not title:
            raise PublicationImportError(
                _("Entry %(number)d has no arXiv id or no title.") % {"number": number}
            )
        records.append(
            PublicationRecord(
                title=title[:500],
                arxiv_id=found.group(1),
                doi=(entry.findtext(f"{ARXIV}doi") or "").strip()[:200],
                journal=(entry.findtext(f"{ARXIV}journal_ref") or "").strip()[:300],
                abstract=" ".join((entry.findtext(f"{ATOM}summary") or "").split()),
                public_from=_date(entry.findtext(f"{ATOM}published") or ""),
                authors=[
                    AuthorRecord(name=(author.findtext(f"{ATOM}name") or "").strip())
                    for author in entry.findall(f"{ATOM}author")
                    if (author.findtext(f"{ATOM}name") or "").strip()
                ],
            )
        )
    if not records:
        raise PublicationImportError(_("The file holds no publications."))
    return records


def read_publications(data: bytes) -> list[PublicationRecord]:
    if len(data) > MAX_BYTES:
        raise PublicationImportError(_("The file is larger than 20 MB."))
    start = data.lstrip()[:1]
    if start in (b"{", b"["):
        return read_inspire_json(data)
    if start == b"<":
        return read_arxiv_atom(data)
    raise PublicationImportError(
        _("Unknown file: expected an INSPIRE-HEP JSON export or an arXiv Atom feed.")
    )


# --- storing ---------------------------------------------------------------------------


def _existing(record: PublicationRecord) -> Publication | None:
    for field_name in ("inspire_id", "arxiv_id", "doi", "cms_id"):
        value = getattr(record, field_name)
        if value:
            found = Publication.objects.filter(**{field_name: value}).order_by("pk").first()
            if found is not None:
                return found
    return None


def import_publications(data: bytes) -> ImportResult:
    """Read the whole file first; then store everything in one transaction, or nothing."""
    records = read_publications(data)
    matcher = AuthorMatcher(list(Contributor.objects.select_related("user")))
    result = ImportResult()
    with transaction.atomic():
        for record in records:
            publication = _existing(record)
            values = {
                "title": record.title,
                "journal": record.journal,
                "abstract": record.abstract,
                "public_from": record.public_from,
            }
            ids = {
                k: getattr(record, k)
                for k in ("arxiv_id", "doi", "cms_id", "inspire_id")
                if getattr(record, k)
            }
            if publication is None:
                publication = Publication.objects.create(**values, **ids)
                result.created += 1
            else:
                for key, value in {**values, **ids}.items():
                    if value or key in ("title",):
                        setattr(publication, key, value)
                publication.save()
                result.updated += 1
            matched = {c.pk for c in (matcher.match(author) for author in record.authors) if c is not None}
            if matched:
                publication.contributors.add(*matched)
                result.matched_authors += len(matched)
    return result
