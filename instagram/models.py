from __future__ import annotations

from datetime import datetime

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from .errors import ErrorKind, GraphAPIError, describe_error


def token_cipher() -> MultiFernet:
    """The first key of FIELD_ENCRYPTION_KEYS encrypts; every key decrypts (rotation)."""
    keys = [key for key in getattr(settings, "FIELD_ENCRYPTION_KEYS", []) if key]
    if not keys:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEY is empty: set it to one or more Fernet keys (comma-separated, newest first) "
            "to store the Instagram token."
        )
    return MultiFernet([Fernet(key) for key in keys])


class Flavour(models.TextChoices):
    INSTAGRAM_LOGIN = "instagram_login", _("Instagram Login (graph.instagram.com)")
    FACEBOOK_LOGIN = "facebook_login", _("Facebook Login (graph.facebook.com)")


class Problem(models.TextChoices):
    """Why the connection last failed, stored as a code (the text is made when it is read)."""

    TOKEN_EXPIRED = "token_expired", _("token expired")
    WRONG_ACCOUNT = "wrong_account", _("token of another account")
    # The kinds of a failed Graph API call (client.ErrorKind).
    TRANSIENT = ErrorKind.TRANSIENT.value, _("temporary problem at Instagram")
    RATE_LIMITED = ErrorKind.RATE_LIMITED.value, _("too many requests")
    NEW_CONTAINER_NEEDED = ErrorKind.NEW_CONTAINER_NEEDED.value, _("upload discarded")
    NOT_READY = ErrorKind.NOT_READY.value, _("media still processing")
    TOKEN_INVALID = ErrorKind.TOKEN_INVALID.value, _("token expired or revoked")
    PERMANENT = ErrorKind.PERMANENT.value, pgettext_lazy("Instagram problem", "request refused")


class InstagramAccountQuerySet(models.QuerySet["InstagramAccount"]):
    def active(self) -> InstagramAccountQuerySet:
        return self.filter(is_active=True)


class InstagramAccount(models.Model):
    """The connected Instagram professional account. At most one is active.

    The access token is stored encrypted (Fernet); read it with :meth:`get_token`, set it with
    :meth:`set_token`. It never appears in ``str()``, ``repr()``, the admin or a page.
    """

    flavour = models.CharField(
        _("login flavour"),
        max_length=20,
        choices=Flavour.choices,
        default=Flavour.INSTAGRAM_LOGIN,
    )
    ig_user_id = models.CharField(_("Instagram user id"), max_length=40, unique=True)
    username = models.CharField(_("username"), max_length=60, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    token_encrypted = models.TextField(_("access token (encrypted)"), blank=True, editable=False)
    token_expires_at = models.DateTimeField(_("token expires at"), null=True, blank=True)
    token_refreshed_at = models.DateTimeField(_("token refreshed at"), null=True, blank=True)
    connected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("connected by"),
    )
    connected_at = models.DateTimeField(_("connected at"), default=timezone.now)
    last_checked_at = models.DateTimeField(_("last checked at"), null=True, blank=True)
    last_check_ok = models.BooleanField(_("last check succeeded"), null=True, blank=True)
    last_error_code = models.CharField(_("last problem"), max_length=30, choices=Problem.choices, blank=True)
    last_error_subcode = models.PositiveIntegerField(_("Meta's error subcode"), null=True, blank=True)
    # Meta's own words (error_user_msg), or the id of the account a wrong token belongs to.
    last_error_detail = models.TextField(_("Meta's message"), blank=True)
    last_error_trace = models.CharField(_("Meta trace id"), max_length=100, blank=True)
    # The expiry warning to admins goes out at most once a day; this is the day it last went.
    expiry_warning_sent_on = models.DateField(
        _("expiry warning sent on"), null=True, blank=True, editable=False
    )

    objects = InstagramAccountQuerySet.as_manager()

    class Meta:
        verbose_name = _("Instagram account")
        verbose_name_plural = _("Instagram accounts")
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"],
                condition=Q(is_active=True),
                name="one_active_instagram_account",
            )
        ]

    def __str__(self) -> str:
        return f"@{self.username}" if self.username else self.ig_user_id

    def __repr__(self) -> str:
        return f"<InstagramAccount {self.pk} @{self.username} ({self.flavour})>"

    # -- the token ---------------------------------------------------------------------------------
    def set_token(self, token: str) -> None:
        self.token_encrypted = token_cipher().encrypt(token.encode()).decode() if token else ""

    def get_token(self) -> str:
        if not self.token_encrypted:
            return ""
        try:
            return token_cipher().decrypt(self.token_encrypted.encode()).decode()
        except InvalidToken as exc:
            raise ImproperlyConfigured(
                "The Instagram token cannot be decrypted with any key in FIELD_ENCRYPTION_KEY."
            ) from exc

    @property
    def has_token(self) -> bool:
        return bool(self.token_encrypted)

    def rotate_token_encryption(self) -> None:
        """Re-encrypt with the first key, after a new key was put in front."""
        if self.token_encrypted:
            self.token_encrypted = token_cipher().rotate(self.token_encrypted.encode()).decode()

    # -- the last problem ------------------------------------------------------------------------
    def clear_problem(self) -> None:
        self.last_error_code, self.last_error_subcode = "", None
        self.last_error_detail, self.last_error_trace = "", ""

    @property
    def last_error(self) -> str:
        """The last problem in the reader's language ("" when there is none)."""
        code = self.last_error_code
        if not code:
            return self.last_error_detail
        if code == Problem.TOKEN_EXPIRED:
            return gettext("The Instagram token expired. An admin must connect Instagram again.")
        if code == Problem.WRONG_ACCOUNT:
            return gettext("The token belongs to another account (%(user_id)s).") % {
                "user_id": self.last_error_detail
            }
        error = GraphAPIError(
            "",
            kind=ErrorKind(code),
            subcode=self.last_error_subcode,
            user_message=self.last_error_detail,
            fbtrace_id=self.last_error_trace,
        )
        return describe_error(error)

    # -- expiry ------------------------------------------------------------------------------------
    def days_left(self, now: datetime | None = None) -> int | None:
        """Whole days until the token expires (negative once it has), or None if unknown."""
        if self.token_expires_at is None:
            return None
        seconds = (self.token_expires_at - (now or timezone.now())).total_seconds()
        return int(seconds // 86400)

    def token_expired(self, now: datetime | None = None) -> bool:
        return self.token_expires_at is not None and self.token_expires_at <= (now or timezone.now())


class AccountEvent(models.Model):
    """What happened to the connection: one row per connect, check, refresh or failure."""

    class Kind(models.TextChoices):
        CONNECTED = "connected", _("connected")
        CHECKED = "checked", _("connection tested")
        REFRESHED = "refreshed", _("token refreshed")
        REFRESH_FAILED = "refresh_failed", _("token refresh failed")
        EXPIRED = "expired", _("token expired")
        WARNED = "warned", _("admins warned of expiry")
        TOKEN_REPLACED = "token_replaced", _("token replaced by hand")

    account = models.ForeignKey(
        InstagramAccount,
        on_delete=models.CASCADE,
        related_name="events",
        verbose_name=_("account"),
    )
    kind = models.CharField(_("what"), max_length=20, choices=Kind.choices)
    ok = models.BooleanField(_("succeeded"), default=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("when"), default=timezone.now)
    detail = models.TextField(_("detail"), blank=True)

    class Meta:
        verbose_name = _("connection event")
        verbose_name_plural = _("connection events")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"
