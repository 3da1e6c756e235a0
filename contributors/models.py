from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class CareerStage(models.TextChoices):
    STUDENT = "student", _("Bachelor or master student")
    PHD = "phd", _("PhD student")
    POSTDOC = "postdoc", _("Postdoc")
    STAFF = "staff", _("Staff scientist")
    ENGINEER = "engineer", _("Engineer")
    TECHNICIAN = "technician", _("Technician")
    OTHER = "other", _("Other")


orcid_validator = RegexValidator(
    r"^\d{4}-\d{4}-\d{4}-\d{3}[\dX]$",
    _("An ORCID iD looks like 0000-0002-1825-0097."),
)

instagram_handle_validator = RegexValidator(
    r"^@?[A-Za-z0-9._]{1,30}$",
    _("An Instagram handle has up to 30 letters, digits, dots and underscores."),
)


class Contributor(models.Model):
    """A person of the group who tells or helps tell stories."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="contributor", verbose_name=_("user")
    )
    display_name = models.CharField(_("display name"), max_length=120, blank=True)
    career_stage = models.CharField(
        _("career stage"), max_length=20, choices=CareerStage.choices, default=CareerStage.OTHER
    )
    research_area = models.CharField(_("research area"), max_length=200, blank=True)
    instagram_handle = models.CharField(
        _("Instagram handle"), max_length=31, blank=True, validators=[instagram_handle_validator]
    )
    pronouns = models.CharField(_("pronouns"), max_length=40, blank=True)
    languages = models.CharField(
        _("languages spoken"), max_length=200, blank=True, help_text=_("For example: German, English")
    )
    bio = models.TextField(_("short bio"), max_length=1000, blank=True)
    # Publications are matched to people by these first, then by name.
    orcid = models.CharField(
        _("ORCID iD"), max_length=19, blank=True, db_index=True, validators=[orcid_validator]
    )
    inspire_id = models.CharField(
        _("INSPIRE author id"),
        max_length=40,
        blank=True,
        db_index=True,
        help_text=_("For example INSPIRE-00123456 or J.Smith.1"),
    )
    language = models.CharField(
        _("language of the interface and e-mails"),
        max_length=10,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
    )

    class Meta:
        verbose_name = _("contributor")
        verbose_name_plural = _("contributors")
        ordering = ["display_name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        self.instagram_handle = self.instagram_handle.lstrip("@")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def name(self) -> str:
        user = self.user
        return name_of(self.display_name, user.first_name, user.last_name, user.get_username())


def name_of(display_name: str, first_name: str, last_name: str, username: str) -> str:
    """A contributor's name from its parts (`Contributor.name` for rows read as plain values)."""
    return display_name or f"{first_name} {last_name}".strip() or username


class Publication(models.Model):
    """A result of the group: a paper or a CMS public result."""

    title = models.CharField(_("title"), max_length=500)
    arxiv_id = models.CharField(_("arXiv id"), max_length=40, blank=True, db_index=True)
    doi = models.CharField(_("DOI"), max_length=200, blank=True, db_index=True)
    cms_id = models.CharField(_("CMS result id"), max_length=40, blank=True, db_index=True)
    inspire_id = models.CharField(_("INSPIRE id"), max_length=40, blank=True, db_index=True)
    journal = models.CharField(_("journal"), max_length=300, blank=True)
    abstract = models.TextField(_("abstract"), blank=True)
    public_from = models.DateTimeField(
        _("public from"), null=True, blank=True, help_text=_("Nothing about it goes out before this time.")
    )
    contributors = models.ManyToManyField(
        Contributor, related_name="publications", blank=True, verbose_name=_("contributors of the group")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("publication")
        verbose_name_plural = _("publications")
        ordering = ["-public_from", "-created_at"]

    def __str__(self) -> str:
        ref = self.cms_id or self.arxiv_id or self.doi
        return f"{self.title} ({ref})" if ref else self.title

    def is_public(self, at: datetime | None = None) -> bool:
        """Nothing about a result goes out before its public date (none set: public)."""
        return self.public_from is None or self.public_from <= (at or timezone.now())


class OutgoingEmail(models.Model):
    """One e-mail to one recipient, handed to the mail server by the worker (contributors.mail).

    Rendered when it is queued, in the recipient's language. Its bodies may hold a one-time key
    (a confirmation or password-reset link): they never travel as task arguments, are never
    logged, and are emptied once the mail server has taken the message.
    """

    purpose = models.CharField(_("purpose"), max_length=120)
    to = models.EmailField(_("to"))
    from_email = models.CharField(_("from"), max_length=254)
    subject = models.CharField(_("subject"), max_length=400)
    body_text = models.TextField(_("text"), blank=True)
    body_html = models.TextField(_("HTML"), blank=True)
    created_at = models.DateTimeField(_("queued at"), default=timezone.now)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    # A worker that is handing the message over holds it until then; a crashed one lets go.
    claimed_until = models.DateTimeField(_("claimed until"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    last_failure = models.CharField(_("last failure"), max_length=400, blank=True)

    class Meta:
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["sent_at", "created_at"], name="outgoingemail_unsent")]

    def __str__(self) -> str:
        return f"{self.purpose} → {self.to}"
