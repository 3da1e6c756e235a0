"""The demo connection for ``seed_demo``: the emulator's demo account and its development token.

The values are the emulator's documented demo account (graph_emulator/README.md); they work
against the emulator only. The product does not import the emulator.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from .models import Flavour, InstagramAccount

DEMO_IG_USER_ID = "17841400000000001"
DEMO_USERNAME = "cmsatdesy"
DEMO_TOKEN = "EMULATOR-DEMO-TOKEN"  # noqa: S105 - the emulator's public development token
DEMO_TOKEN_DAYS = 50


def seed(*, scale: int = 1, log: Any = print, context: dict[str, Any] | None = None) -> dict[str, Any]:
    now = timezone.now()
    account = InstagramAccount.objects.filter(ig_user_id=DEMO_IG_USER_ID).first()
    if account is None:
        InstagramAccount.objects.active().update(is_active=False)
        # A 60-day token with 50 days left was issued 10 days ago.
        issued = now - timedelta(days=60 - DEMO_TOKEN_DAYS)
        account = InstagramAccount(ig_user_id=DEMO_IG_USER_ID, connected_at=issued)
        account.set_token(DEMO_TOKEN)
        account.token_expires_at = now + timedelta(days=DEMO_TOKEN_DAYS)
        account.token_refreshed_at = issued
    elif not account.has_token:
        account.set_token(DEMO_TOKEN)
        account.token_expires_at = now + timedelta(days=DEMO_TOKEN_DAYS)
    account.flavour = Flavour.INSTAGRAM_LOGIN
    account.username = DEMO_USERNAME
    users = (context or {}).get("users") or {}
    if account.connected_by_id is None and "admin" in users:
        account.connected_by = users["admin"]
    if not account.is_active:
        InstagramAccount.objects.active().update(is_active=False)
        account.is_active = True
    account.save()
    log(f"Instagram: @{account.username} connected to the Graph API emulator")
    return {"instagram_account": account}
