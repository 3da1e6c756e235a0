"""The emulator's in-memory model: clock, configuration, accounts, tokens, containers, media.

Everything lives in one :class:`EmulatorState` guarded by one re-entrant lock; handlers take
the lock for reads and writes and release it around slow work (downloads, holds, sleeps).
"""

from __future__ import annotations

import random
import secrets
import threading
import time
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from typing import Any

from graph_emulator import (
    DEMO_APP_ID,
    DEMO_APP_SECRET,
    DEMO_IG_USER_ID,
    DEMO_TOKEN,
    DEMO_USERNAME,
)

DAY = 86400
LONG_LIVED_SECONDS = 60 * DAY
SHORT_LIVED_SECONDS = 3600

FEED = "FEED"
REELS = "REELS"
STORY = "STORY"


def format_time(epoch: float) -> str:
    """Meta's timestamp format: 2025-11-26T12:28:00+0000."""
    return datetime.fromtimestamp(int(epoch), UTC).strftime("%Y-%m-%dT%H:%M:%S+0000")


class Clock:
    """Wall-clock time plus an offset that tests advance; optionally frozen."""

    def __init__(self) -> None:
        self._offset = 0.0
        self._frozen_at: float | None = None

    def now(self) -> float:
        if self._frozen_at is not None:
            return self._frozen_at
        return time.time() + self._offset

    def advance(self, seconds: float) -> None:
        if self._frozen_at is not None:
            self._frozen_at += seconds
        else:
            self._offset += seconds

    def freeze(self, frozen: bool) -> None:
        if frozen and self._frozen_at is None:
            self._frozen_at = self.now()
        elif not frozen and self._frozen_at is not None:
            self._offset = self._frozen_at - time.time()
            self._frozen_at = None

    @property
    def frozen(self) -> bool:
        return self._frozen_at is not None


@dataclass
class Config:
    quota_total: int = 100
    quota_duration: int = DAY
    container_limit: int = 400
    image_processing_seconds: float = 0.0
    video_processing_seconds: float = 30.0
    container_lifetime_seconds: float = DAY
    refresh_requires_token_age: bool = False
    usage_calls_per_hour: int = 1000
    download_timeout_seconds: float = 10.0
    default_timeout_fault_seconds: float = 30.0

    def update(self, values: dict[str, Any]) -> list[str]:
        """Apply known keys; return the unknown ones so the caller can refuse them."""
        known = {f.name: f.type for f in fields(self)}
        unknown = [key for key in values if key not in known]
        for key, value in values.items():
            if key not in known:
                continue
            current = getattr(self, key)
            if isinstance(current, bool):
                setattr(self, key, bool(value))
            elif isinstance(current, int):
                setattr(self, key, int(value))
            else:
                setattr(self, key, float(value))
        return unknown

    def as_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass
class App:
    app_id: str
    secret: str
    name: str


@dataclass
class Account:
    ig_user_id: str
    username: str
    name: str
    followers_base: int
    created_at: float
    biography: str = ""

    @property
    def page_id(self) -> str:
        return "10" + self.ig_user_id[2:]


@dataclass
class Token:
    value: str
    ig_user_id: str
    app_id: str
    login: str  # "instagram" or "facebook"
    long_lived: bool
    issued_at: float
    expires_at: float | None
    scopes: list[str]

    def expired(self, now: float) -> bool:
        return self.expires_at is not None and now >= self.expires_at


@dataclass
class AuthorizationCode:
    value: str
    client_id: str
    redirect_uri: str
    ig_user_id: str
    scopes: list[str]
    created_at: float
    used: bool = False


@dataclass
class Container:
    id: str
    ig_user_id: str
    kind: str  # IMAGE, VIDEO, CAROUSEL, REELS, STORIES
    is_carousel_item: bool
    created_at: float
    ready_at: float
    caption: str = ""
    image_url: str | None = None
    video_url: str | None = None
    children: list[str] = field(default_factory=list)
    image: dict[str, Any] | None = None
    error_subcode: int | None = None
    force_expired: bool = False
    published_media_id: str | None = None
    params: dict[str, str] = field(default_factory=dict)


@dataclass
class Media:
    id: str
    ig_user_id: str
    media_type: str  # IMAGE, VIDEO, CAROUSEL_ALBUM
    product_type: str  # FEED, REELS, STORY
    timestamp: float
    caption: str
    shortcode: str
    media_url: str
    thumbnail_url: str | None = None
    container_id: str | None = None
    children: list[str] = field(default_factory=list)
    parent_id: str | None = None
    alt_text: str | None = None
    seeded: bool = False


SHORTCODE_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def shortcode_for(media_id: str) -> str:
    number = int(media_id) * 2654435761 % (64**11)
    chars = []
    for _ in range(11):
        number, rest = divmod(number, 64)
        chars.append(SHORTCODE_ALPHABET[rest])
    return "".join(chars)


class EmulatorState:
    def __init__(self, seed: int = 1) -> None:
        self.lock = threading.RLock()
        self.seed = seed
        self.clock = Clock()
        self.config = Config()
        self.apps: dict[str, App] = {}
        self.accounts: dict[str, Account] = {}
        self.tokens: dict[str, Token] = {}
        self.codes: dict[str, AuthorizationCode] = {}
        self.containers: dict[str, Container] = {}
        self.media: dict[str, Media] = {}
        self.published: list[dict[str, Any]] = []
        self.publish_times: dict[str, list[float]] = {}
        self.container_attempts: dict[str, list[float]] = {}
        self.call_times: dict[str, list[float]] = {}
        self._next_container = 17890000000000001
        self._next_media = 17950000000000001
        self._next_account = int(DEMO_IG_USER_ID) + 1
        self._install_demo()

    # ids -------------------------------------------------------------------------------
    def new_container_id(self) -> str:
        self._next_container += 1
        return str(self._next_container)

    def new_media_id(self) -> str:
        self._next_media += 1
        return str(self._next_media)

    def now(self) -> float:
        return self.clock.now()

    # accounts and tokens -----------------------------------------------------------------
    def _install_demo(self) -> None:
        self.apps[DEMO_APP_ID] = App(DEMO_APP_ID, DEMO_APP_SECRET, "cmsatdesy emulator app")
        now = self.now()
        account = Account(
            ig_user_id=DEMO_IG_USER_ID,
            username=DEMO_USERNAME,
            name="CMS at DESY",
            followers_base=1650,
            created_at=now - 3 * 365 * DAY,
            biography="The CMS group at DESY Hamburg and Zeuthen.",
        )
        self.accounts[account.ig_user_id] = account
        self.tokens[DEMO_TOKEN] = Token(
            value=DEMO_TOKEN,
            ig_user_id=account.ig_user_id,
            app_id=DEMO_APP_ID,
            login="instagram",
            long_lived=True,
            issued_at=now - 30 * DAY,
            expires_at=None,
            scopes=list(INSTAGRAM_SCOPES),
        )
        seed_media(self, account, count=36)

    def create_account(
        self,
        username: str | None = None,
        followers: int = 1200,
        media_count: int = 0,
        token_expires_in: float | None = LONG_LIVED_SECONDS,
        login: str = "instagram",
    ) -> tuple[Account, Token]:
        ig_user_id = str(self._next_account)
        self._next_account += 1
        account = Account(
            ig_user_id=ig_user_id,
            username=username or f"emulated_{ig_user_id[-4:]}",
            name=(username or "Emulated account").replace("_", " ").title(),
            followers_base=followers,
            created_at=self.now() - 365 * DAY,
        )
        self.accounts[ig_user_id] = account
        token = self.issue_token(ig_user_id, DEMO_APP_ID, login, long_lived=True, expires_in=token_expires_in)
        if media_count:
            seed_media(self, account, count=media_count)
        return account, token

    def issue_token(
        self,
        ig_user_id: str,
        app_id: str,
        login: str,
        *,
        long_lived: bool,
        expires_in: float | None,
        scopes: list[str] | None = None,
    ) -> Token:
        prefix = "IGAA" if login == "instagram" else "EAA"
        value = f"{prefix}EMU{secrets.token_urlsafe(24)}"
        now = self.now()
        token = Token(
            value=value,
            ig_user_id=ig_user_id,
            app_id=app_id,
            login=login,
            long_lived=long_lived,
            issued_at=now,
            expires_at=None if expires_in is None else now + expires_in,
            scopes=scopes or list(INSTAGRAM_SCOPES if login == "instagram" else FACEBOOK_SCOPES),
        )
        self.tokens[value] = token
        return token

    # containers ----------------------------------------------------------------------------
    def container_status(self, container: Container) -> str:
        now = self.now()
        if container.published_media_id:
            return "PUBLISHED"
        if container.force_expired or now >= container.created_at + self.config.container_lifetime_seconds:
            return "EXPIRED"
        if now < container.ready_at:
            return "IN_PROGRESS"
        if container.error_subcode is not None:
            return "ERROR"
        if container.kind == "CAROUSEL":
            child_statuses = [self.container_status(self.containers[c]) for c in container.children]
            if "ERROR" in child_statuses:
                return "ERROR"
            if "EXPIRED" in child_statuses:
                return "EXPIRED"
            if "IN_PROGRESS" in child_statuses:
                return "IN_PROGRESS"
        return "FINISHED"

    def container_error_subcode(self, container: Container) -> int | None:
        if container.error_subcode is not None:
            return container.error_subcode
        for child_id in container.children:
            child = self.containers[child_id]
            if child.error_subcode is not None:
                return child.error_subcode
        return None

    # rolling windows ---------------------------------------------------------------------------
    def count_recent(self, times: dict[str, list[float]], key: str, window: float) -> int:
        cutoff = self.now() - window
        recent = [t for t in times.get(key, []) if t > cutoff]
        times[key] = recent
        return len(recent)

    def usage_percent(self, ig_user_id: str) -> int:
        calls = self.count_recent(self.call_times, ig_user_id, 3600)
        return min(100, calls * 100 // max(1, self.config.usage_calls_per_hour))

    # media -------------------------------------------------------------------------------------
    def account_media(self, ig_user_id: str, *, include_children: bool = False) -> list[Media]:
        items = [
            m
            for m in self.media.values()
            if m.ig_user_id == ig_user_id and (include_children or m.parent_id is None)
        ]
        return sorted(items, key=lambda m: (m.timestamp, m.id), reverse=True)

    def followers_count(self, account: Account) -> int:
        from graph_emulator.insights import media_follows_total

        return account.followers_base + media_follows_total(self, account.ig_user_id, self.now())


INSTAGRAM_SCOPES = (
    "instagram_business_basic",
    "instagram_business_content_publish",
    "instagram_business_manage_insights",
)
FACEBOOK_SCOPES = (
    "instagram_basic",
    "instagram_content_publish",
    "instagram_manage_insights",
    "pages_read_engagement",
    "pages_show_list",
)

CAPTION_OPENERS = [
    "New results from the CMS experiment",
    "Behind the scenes at the DESY detector lab",
    "Our PhD students presented at the annual meeting",
    "Tracker upgrade: modules assembled in Hamburg",
    "Open day at DESY: thank you for visiting",
    "A closer look at the Higgs boson",
    "Summer students at CMS DESY",
    "Beam test campaign in Zeuthen",
    "Coffee, code and collisions",
    "Meet the team behind the luminosity measurement",
]
CAPTION_TAGS = ["#CMS", "#DESY", "#physics", "#particlephysics", "#LHC", "#science", "#Hamburg", "#CERN"]


def seed_media(state: EmulatorState, account: Account, count: int) -> None:
    """Past posts so dashboards have data: feed images, carousels, reels and a couple of stories."""
    rng = random.Random(f"{state.seed}:{account.ig_user_id}:media")
    now = state.now()
    ages = sorted((rng.uniform(0.5 * DAY, 120 * DAY) for _ in range(count)), reverse=True)
    for index, age in enumerate(ages):
        roll = rng.random()
        if roll < 0.55:
            media_type, product_type = "IMAGE", FEED
        elif roll < 0.75:
            media_type, product_type = "CAROUSEL_ALBUM", FEED
        else:
            media_type, product_type = "VIDEO", REELS
        caption = f"{CAPTION_OPENERS[index % len(CAPTION_OPENERS)]}. " + " ".join(rng.sample(CAPTION_TAGS, 3))
        _add_seeded_media(state, account, media_type, product_type, now - age, caption, rng)
    for age in (3 * 3600, 10 * 3600):
        _add_seeded_media(state, account, "IMAGE", STORY, now - age, "", rng)


def add_media_object(
    state: EmulatorState, account: Account, media_type: str, product_type: str, timestamp: float, caption: str
) -> Media:
    """Published media made directly, without a container (carousels get two children)."""
    rng = random.Random(f"{state.seed}:{account.ig_user_id}:{state._next_media}")
    return _add_seeded_media(state, account, media_type, product_type, timestamp, caption, rng, children=2)


def _add_seeded_media(
    state: EmulatorState,
    account: Account,
    media_type: str,
    product_type: str,
    timestamp: float,
    caption: str,
    rng: random.Random,
    children: int | None = None,
) -> Media:
    media_id = state.new_media_id()
    url = f"https://scontent.cdninstagram.com/emulated/{media_id}.jpg"
    media = Media(
        id=media_id,
        ig_user_id=account.ig_user_id,
        media_type=media_type,
        product_type=product_type,
        timestamp=timestamp,
        caption=caption,
        shortcode=shortcode_for(media_id),
        media_url=url.replace(".jpg", ".mp4") if media_type == "VIDEO" else url,
        thumbnail_url=url if media_type == "VIDEO" else None,
        seeded=True,
    )
    state.media[media_id] = media
    if media_type == "CAROUSEL_ALBUM":
        for _ in range(children or rng.randint(2, 5)):
            child_id = state.new_media_id()
            state.media[child_id] = Media(
                id=child_id,
                ig_user_id=account.ig_user_id,
                media_type="IMAGE",
                product_type=FEED,
                timestamp=timestamp,
                caption="",
                shortcode=shortcode_for(child_id),
                media_url=f"https://scontent.cdninstagram.com/emulated/{child_id}.jpg",
                parent_id=media_id,
                seeded=True,
            )
            media.children.append(child_id)
    return media
