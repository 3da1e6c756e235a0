"""The Graph API endpoints: account and media nodes, containers, publishing, insights."""

from __future__ import annotations

import base64
import binascii
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from graph_emulator import insights
from graph_emulator.errors import (
    GraphError,
    invalid_parameter,
    missing_parameter,
    nonexisting_field,
    object_not_found,
    publishing_error,
    transient_error,
    unknown_path,
)
from graph_emulator.faults import Fault
from graph_emulator.media_checks import (
    MAX_REEL_BYTES,
    MAX_STORY_VIDEO_BYTES,
    check_alt_text,
    check_caption,
    fetch_image,
    fetch_video,
)
from graph_emulator.oauth import check_token
from graph_emulator.request import FieldSpec, Request, Response, json_response, parse_fields
from graph_emulator.state import (
    DAY,
    FEED,
    REELS,
    STORY,
    Account,
    Container,
    Media,
    format_time,
    shortcode_for,
)

if TYPE_CHECKING:
    from graph_emulator.server import Emulator

USER_FIELDS = {
    "id",
    "ig_id",
    "user_id",
    "username",
    "name",
    "account_type",
    "biography",
    "followers_count",
    "follows_count",
    "media_count",
    "profile_picture_url",
    "website",
}
MEDIA_FIELDS = {
    "id",
    "alt_text",
    "caption",
    "children",
    "comments_count",
    "insights",
    "is_comment_enabled",
    "is_shared_to_feed",
    "like_count",
    "media_product_type",
    "media_type",
    "media_url",
    "owner",
    "permalink",
    "shortcode",
    "thumbnail_url",
    "timestamp",
    "username",
}
CONTAINER_FIELDS = {"id", "status", "status_code"}
STATUS_TEXT = {
    "FINISHED": "Finished: Media has been uploaded and it is ready to be published.",
    "IN_PROGRESS": "In Progress: Media is still being processed.",
    "EXPIRED": "Expired: Media was not published within 24 hours and has expired.",
    "PUBLISHED": "Published: Media has been successfully published.",
}
MAX_PAGE = 100
DEFAULT_PAGE = 25
MAX_WINDOW = 30 * DAY


def authenticate(emu: Emulator, req: Request) -> Account:
    token = check_token(emu, req.bearer_token())
    req.account_id = token.ig_user_id
    return emu.state.accounts[token.ig_user_id]


def handle(emu: Emulator, req: Request) -> Response:
    account = authenticate(emu, req)
    parts = req.path.split("/") if req.path else []
    if not parts:
        return multi_ids(emu, req, account)
    node_id = account.ig_user_id if parts[0] == "me" else parts[0]
    if len(parts) > 2:
        raise unknown_path(req.path)
    edge = parts[1] if len(parts) == 2 else None
    state = emu.state
    with state.lock:
        if node_id == account.ig_user_id:
            kind = "user"
        elif node_id in state.containers and state.containers[node_id].ig_user_id == account.ig_user_id:
            kind = "container"
        elif node_id in state.media and state.media[node_id].ig_user_id == account.ig_user_id:
            kind = "media"
        else:
            raise object_not_found(node_id, req.method)
    route = (kind, edge, req.method)
    if route == ("user", None, "GET"):
        return json_response(render_user(emu, account, parse_fields(req.params.get("fields"))))
    if route == ("user", "media", "GET"):
        return list_media(emu, req, account, stories=False)
    if route == ("user", "stories", "GET"):
        return list_media(emu, req, account, stories=True)
    if route == ("user", "media", "POST"):
        return create_container(emu, req, account)
    if route == ("user", "media_publish", "POST"):
        return publish(emu, req, account)
    if route == ("user", "content_publishing_limit", "GET"):
        return publishing_limit(emu, req, account)
    if route == ("user", "insights", "GET"):
        return account_insights(emu, req, account)
    if route == ("user", "accounts", "GET"):
        return pages(account)
    if route == ("container", None, "GET"):
        return json_response(read_container(emu, req, node_id))
    if route == ("media", None, "GET"):
        with state.lock:
            media = state.media[node_id]
            return json_response(render_media(emu, media, parse_fields(req.params.get("fields"))))
    if route == ("media", None, "DELETE"):
        return delete_media(emu, req, node_id)
    if route == ("media", "insights", "GET"):
        return media_insights_call(emu, req, node_id)
    if route == ("media", "children", "GET"):
        with state.lock:
            media = state.media[node_id]
            specs = parse_fields(req.params.get("fields"))
            return json_response({"data": [render_media(emu, state.media[c], specs) for c in media.children]})
    if edge is None:
        raise object_not_found(node_id, req.method)
    raise unknown_path(req.path)


def multi_ids(emu: Emulator, req: Request, account: Account) -> Response:
    ids = [i for i in req.params.get("ids", "").split(",") if i]
    if req.method != "GET" or not ids:
        raise invalid_parameter("Unsupported request: use ?ids=ID,ID with a GET")
    specs = parse_fields(req.params.get("fields"))
    answer: dict[str, Any] = {}
    state = emu.state
    with state.lock:
        for node_id in ids:
            if node_id == account.ig_user_id:
                answer[node_id] = render_user(emu, account, specs)
            elif node_id in state.containers and state.containers[node_id].ig_user_id == account.ig_user_id:
                answer[node_id] = render_container(emu, state.containers[node_id], specs)
            elif node_id in state.media and state.media[node_id].ig_user_id == account.ig_user_id:
                answer[node_id] = render_media(emu, state.media[node_id], specs)
            else:
                raise object_not_found(node_id)
    return json_response(answer)


# ---------------------------------------------------------------------------------------------
# Nodes
# ---------------------------------------------------------------------------------------------
def _check_fields(specs: list[FieldSpec], allowed: set[str], node_type: str) -> list[FieldSpec]:
    for spec in specs:
        if spec.name not in allowed:
            raise nonexisting_field(spec.name, node_type)
    return specs or [FieldSpec("id")]


def render_user(emu: Emulator, account: Account, specs: list[FieldSpec]) -> dict[str, Any]:
    state = emu.state
    values: dict[str, Any] = {
        "id": account.ig_user_id,
        "ig_id": int(account.ig_user_id[-10:]),
        "user_id": account.ig_user_id,
        "username": account.username,
        "name": account.name,
        "account_type": "BUSINESS",
        "biography": account.biography,
        "followers_count": state.followers_count(account),
        "follows_count": 180,
        "media_count": len(state.account_media(account.ig_user_id)),
        "profile_picture_url": f"https://scontent.cdninstagram.com/emulated/{account.ig_user_id}.jpg",
        "website": "https://cms.desy.de",
    }
    return {spec.name: values[spec.name] for spec in _check_fields(specs, USER_FIELDS, "IGUser")}


def pages(account: Account) -> Response:
    page = {
        "id": account.page_id,
        "name": account.name,
        "instagram_business_account": {"id": account.ig_user_id, "username": account.username},
    }
    return json_response({"data": [page], "paging": {"cursors": {"before": "QVFIUm", "after": "QVFIUm"}}})


def render_container(emu: Emulator, container: Container, specs: list[FieldSpec]) -> dict[str, Any]:
    state = emu.state
    status = state.container_status(container)
    text = STATUS_TEXT.get(status)
    if status == "ERROR":
        text = f"Error: Media upload has failed with error code {state.container_error_subcode(container)}"
    values = {"id": container.id, "status_code": status, "status": text}
    return {
        spec.name: values[spec.name]
        for spec in _check_fields(specs, CONTAINER_FIELDS, "ShadowIGMediaBuilder")
    }


def read_container(emu: Emulator, req: Request, container_id: str) -> dict[str, Any]:
    fault = emu.faults.take({"container_error", "container_expired"}, req.method, req.endpoint)
    with emu.state.lock:
        container = emu.state.containers[container_id]
        if fault is not None and not container.published_media_id:
            apply_container_fault(emu, container, fault, at_read=True)
        return render_container(emu, container, parse_fields(req.params.get("fields")))


def permalink(media: Media, username: str) -> str:
    if media.product_type == STORY:
        return f"https://instagram.com/stories/{username}/{media.id}/"
    if media.product_type == REELS:
        return f"https://www.instagram.com/reel/{media.shortcode}/"
    return f"https://www.instagram.com/p/{media.shortcode}/"


def render_media(emu: Emulator, media: Media, specs: list[FieldSpec]) -> dict[str, Any]:
    state = emu.state
    account = state.accounts[media.ig_user_id]
    answer: dict[str, Any] = {}
    figures: dict[str, int] = {}
    if media.parent_id is None:
        elapsed = state.now() - media.timestamp
        figures = insights.expected_media_metrics(state.seed, media.id, media.product_type, elapsed)
    for spec in _check_fields(specs, MEDIA_FIELDS, "IGMedia"):
        name = spec.name
        if name == "id":
            answer["id"] = media.id
        elif name == "caption":
            if media.caption:
                answer["caption"] = media.caption
        elif name == "alt_text":
            if media.alt_text:
                answer["alt_text"] = media.alt_text
        elif name == "timestamp":
            answer["timestamp"] = format_time(media.timestamp)
        elif name == "permalink":
            answer["permalink"] = permalink(media, account.username)
        elif name == "media_type":
            answer["media_type"] = media.media_type
        elif name == "media_product_type":
            answer["media_product_type"] = media.product_type
        elif name == "media_url":
            answer["media_url"] = media.media_url
        elif name == "thumbnail_url":
            if media.thumbnail_url:
                answer["thumbnail_url"] = media.thumbnail_url
        elif name == "shortcode":
            answer["shortcode"] = media.shortcode
        elif name == "username":
            answer["username"] = account.username
        elif name == "owner":
            answer["owner"] = {"id": account.ig_user_id}
        elif name == "like_count":
            answer["like_count"] = figures.get("likes", 0)
        elif name == "comments_count":
            answer["comments_count"] = figures.get("comments", 0)
        elif name == "is_comment_enabled":
            answer["is_comment_enabled"] = media.product_type != STORY
        elif name == "is_shared_to_feed":
            if media.product_type == REELS:
                answer["is_shared_to_feed"] = True
        elif name == "children":
            if media.children:
                child_specs = spec.subfields or [FieldSpec("id")]
                answer["children"] = {
                    "data": [render_media(emu, state.media[c], child_specs) for c in media.children]
                }
        elif name == "insights":
            metric = spec.modifiers.get("metric")
            if not metric:
                raise missing_parameter("metric")
            names = [m.strip() for m in metric.split(",") if m.strip()]
            answer["insights"] = {"data": media_insights(emu, media, names, None)}
    return answer


# ---------------------------------------------------------------------------------------------
# Listing
# ---------------------------------------------------------------------------------------------
def _cursor(media_id: str) -> str:
    return base64.urlsafe_b64encode(f"media:{media_id}".encode()).decode()


def _decode_cursor(cursor: str) -> str:
    try:
        text = base64.urlsafe_b64decode(cursor.encode()).decode()
    except (binascii.Error, UnicodeDecodeError) as exc:
        raise invalid_parameter("The cursor is not valid") from exc
    if not text.startswith("media:"):
        raise invalid_parameter("The cursor is not valid")
    return text.removeprefix("media:")


def _page_url(req: Request, **changes: str) -> str:
    query = {k: v for k, v in req.query.items() if k not in ("after", "before")}
    query.update(changes)
    prefix = f"/{req.version}" if req.version else ""
    return f"{req.base_url}{prefix}/{req.path}?{urlencode(query)}"


def list_media(emu: Emulator, req: Request, account: Account, *, stories: bool) -> Response:
    try:
        limit = int(req.params.get("limit", DEFAULT_PAGE))
    except ValueError as exc:
        raise invalid_parameter("limit must be an integer") from exc
    limit = max(1, min(limit, MAX_PAGE))
    specs = parse_fields(req.params.get("fields"))
    state = emu.state
    with state.lock:
        now = state.now()
        items = [
            m
            for m in state.account_media(account.ig_user_id)
            if (m.product_type == STORY) == stories and (not stories or now - m.timestamp < DAY)
        ]
        ids = [m.id for m in items]
        start = 0
        if req.params.get("after"):
            after = _decode_cursor(req.params["after"])
            start = ids.index(after) + 1 if after in ids else len(ids)
        elif req.params.get("before"):
            before = _decode_cursor(req.params["before"])
            end = ids.index(before) if before in ids else 0
            start = max(0, end - limit)
        page = items[start : start + limit]
        data = [render_media(emu, m, specs) for m in page]
    answer: dict[str, Any] = {"data": data}
    if page:
        paging: dict[str, Any] = {"cursors": {"before": _cursor(page[0].id), "after": _cursor(page[-1].id)}}
        if start + limit < len(items):
            paging["next"] = _page_url(req, limit=str(limit), after=_cursor(page[-1].id))
        if start > 0:
            paging["previous"] = _page_url(req, limit=str(limit), before=_cursor(page[0].id))
        answer["paging"] = paging
    return json_response(answer)


# ---------------------------------------------------------------------------------------------
# Containers and publishing
# ---------------------------------------------------------------------------------------------
def apply_container_fault(emu: Emulator, container: Container, fault: Fault, *, at_read: bool) -> None:
    if fault.kind == "container_expired":
        container.force_expired = True
        return
    container.error_subcode = int(fault.options.get("subcode", 2207001))
    if at_read:
        container.ready_at = min(container.ready_at, emu.state.now())


def create_container(emu: Emulator, req: Request, account: Account) -> Response:
    state = emu.state
    p = req.params
    with state.lock:
        # Every attempt costs from the 400-per-24 h budget, refused ones included.
        used = state.count_recent(state.container_attempts, account.ig_user_id, DAY)
        state.container_attempts.setdefault(account.ig_user_id, []).append(state.now())
        limit = state.config.container_limit
        timeout = state.config.download_timeout_seconds
    if used >= limit:
        raise GraphError(
            f"(#9) You have created the maximum of {limit} media containers in the last 24 hours.",
            code=9,
            subcode=2207042,
            user_title="Container limit reached",
            user_msg=f"You can create at most {limit} media containers in 24 hours. Try again later.",
        )
    media_type = (p.get("media_type") or "IMAGE").upper()
    is_item = p.get("is_carousel_item", "").lower() == "true"
    caption = p.get("caption", "")
    if media_type not in ("IMAGE", "VIDEO", "CAROUSEL", "REELS", "STORIES"):
        raise publishing_error(2207023, media_type=media_type)
    if media_type == "VIDEO" and not is_item:
        raise invalid_parameter("The VIDEO media type is only accepted for carousel items; use REELS")
    if is_item and media_type not in ("IMAGE", "VIDEO"):
        raise invalid_parameter("Carousel items must have media_type IMAGE or VIDEO")
    if caption and media_type != "STORIES":
        check_caption(caption)
    if "alt_text" in p:
        if media_type in ("REELS", "VIDEO") or p.get("video_url"):
            raise invalid_parameter("alt_text is accepted for images only")
        check_alt_text(p["alt_text"])
    if len([c for c in p.get("collaborators", "").split(",") if c.strip()]) > 3:
        raise invalid_parameter("A post can have at most 3 collaborators")
    now = state.now()
    container = Container(
        id="",
        ig_user_id=account.ig_user_id,
        kind=media_type,
        is_carousel_item=is_item,
        created_at=now,
        ready_at=now,
        caption=caption,
        params={k: v for k, v in p.items() if k != "access_token"},
    )
    if media_type == "CAROUSEL":
        container.children = _carousel_children(emu, account, p.get("children", ""))
    elif media_type == "IMAGE" or (media_type == "STORIES" and p.get("image_url")):
        url = p.get("image_url")
        if not url:
            raise missing_parameter("image_url")
        container.image_url = url
        container.image = fetch_image(url, timeout=timeout, check_aspect=media_type != "STORIES")
        container.ready_at = now + state.config.image_processing_seconds
    else:
        url = p.get("video_url")
        if not url:
            raise missing_parameter("video_url")
        container.video_url = url
        size_limit = MAX_STORY_VIDEO_BYTES if media_type == "STORIES" else MAX_REEL_BYTES
        container.error_subcode = fetch_video(url, limit=size_limit, timeout=timeout)
        container.ready_at = now + state.config.video_processing_seconds
    fault = emu.faults.take({"container_error", "container_expired"}, req.method, req.endpoint)
    with state.lock:
        container.id = state.new_container_id()
        if fault is not None:
            apply_container_fault(emu, container, fault, at_read=False)
        state.containers[container.id] = container
    return json_response({"id": container.id})


def _carousel_children(emu: Emulator, account: Account, children_param: str) -> list[str]:
    children = [c.strip() for c in children_param.split(",") if c.strip()]
    if not 2 <= len(children) <= 10:
        raise publishing_error(2207028)
    state = emu.state
    with state.lock:
        for child_id in children:
            child = state.containers.get(child_id)
            if child is None or child.ig_user_id != account.ig_user_id or not child.is_carousel_item:
                raise publishing_error(2207006, media_id=child_id)
            if child.published_media_id:
                raise publishing_error(2207006, media_id=child_id)
    return children


def publish(emu: Emulator, req: Request, account: Account) -> Response:
    creation_id = req.params.get("creation_id")
    if not creation_id:
        raise missing_parameter("creation_id")
    state = emu.state
    with state.lock:
        container = state.containers.get(creation_id)
        if container is None or container.ig_user_id != account.ig_user_id:
            raise publishing_error(2207006, media_id=creation_id)
        if container.is_carousel_item:
            raise invalid_parameter("A carousel item cannot be published on its own; publish its carousel")
        status = state.container_status(container)
        if status == "EXPIRED":
            raise publishing_error(2207020)
        if status != "FINISHED":
            # Meta gives the same answer for "still processing", "failed" and "already published":
            # only the container's status_code tells them apart.
            error = publishing_error(2207027)
            error.message = "Media ID is not available"
            raise error
        config = state.config
        if (
            state.count_recent(state.publish_times, account.ig_user_id, config.quota_duration)
            >= config.quota_total
        ):
            raise publishing_error(2207042)
        media = _media_from_container(emu, account, container)
        state.publish_times.setdefault(account.ig_user_id, []).append(state.now())
        state.published.append(_published_record(emu, account, container, media))
    fault = emu.faults.take({"publish_lost_reply"}, req.method, req.endpoint)
    if fault is not None:
        if fault.options.get("subcode") is not None:
            # Meta's "Application request limit reached" (4/2207051) after the post went live.
            raise publishing_error(int(fault.options["subcode"]))
        raise transient_error(
            code=int(fault.options.get("code", 2)), status=int(fault.options.get("status", 500))
        )
    return json_response({"id": media.id})


def _media_from_container(emu: Emulator, account: Account, container: Container) -> Media:
    state = emu.state
    now = state.now()
    media_id = state.new_media_id()
    if container.kind == "REELS":
        media_type, product_type = "VIDEO", REELS
    elif container.kind == "CAROUSEL":
        media_type, product_type = "CAROUSEL_ALBUM", FEED
    elif container.kind == "STORIES":
        media_type, product_type = ("VIDEO" if container.video_url else "IMAGE"), STORY
    else:
        media_type, product_type = container.kind, FEED
    media = Media(
        id=media_id,
        ig_user_id=account.ig_user_id,
        media_type=media_type,
        product_type=product_type,
        timestamp=now,
        caption=container.caption if product_type != STORY else "",
        shortcode=shortcode_for(media_id),
        media_url=_cdn_url(media_id, container),
        thumbnail_url=_cdn_url(media_id, container, thumbnail=True) if container.video_url else None,
        container_id=container.id,
        alt_text=container.params.get("alt_text"),
    )
    state.media[media_id] = media
    container.published_media_id = media_id
    for child_container_id in container.children:
        child_container = state.containers[child_container_id]
        child = _media_from_container(emu, account, child_container)
        child.caption = ""
        child.parent_id = media_id
        media.children.append(child.id)
    return media


def _cdn_url(media_id: str, container: Container, *, thumbnail: bool = False) -> str:
    if container.kind == "CAROUSEL":
        return f"https://scontent.cdninstagram.com/emulated/{media_id}.jpg"
    extension = "mp4" if container.video_url and not thumbnail else "jpg"
    return f"https://scontent.cdninstagram.com/emulated/{media_id}.{extension}"


# Only a Facebook Login token with this permission may delete (GRAPH_API.md, "Removing a published post").
DELETE_SCOPE = "instagram_manage_contents"


def delete_media(emu: Emulator, req: Request, media_id: str) -> Response:
    """``DELETE /{ig-media-id}``: a whole post (never one carousel item), for Facebook Login with
    ``instagram_manage_contents`` only; Instagram Login has no way to delete."""
    token = check_token(emu, req.bearer_token())
    if token.login != "facebook" or DELETE_SCOPE not in token.scopes:
        raise GraphError(
            "(#10) Application does not have permission for this action", code=10, status=403,
            error_type="OAuthException",
        )  # fmt: skip
    state = emu.state
    with state.lock:
        media = state.media[media_id]
        if media.parent_id:
            raise invalid_parameter("A carousel item cannot be deleted on its own; delete the album")
        for child in media.children:
            state.media.pop(child, None)
        del state.media[media_id]
        for record in state.published:
            if record["media_id"] == media_id:
                record["deleted"] = True
    return json_response({"success": True})


def _published_record(emu: Emulator, account: Account, container: Container, media: Media) -> dict[str, Any]:
    state = emu.state
    sources = [container] + [state.containers[c] for c in container.children]
    return {
        "media_id": media.id,
        "container_id": container.id,
        "ig_user_id": account.ig_user_id,
        "media_type": media.media_type,
        "media_product_type": media.product_type,
        "caption": media.caption,
        "alt_text": media.alt_text,
        "image_urls": [c.image_url for c in sources if c.image_url],
        "video_urls": [c.video_url for c in sources if c.video_url],
        # What a reel was created with: cover_url or thumb_offset, share_to_feed.
        "video_options": {
            k: container.params[k]
            for k in ("cover_url", "thumb_offset", "share_to_feed")
            if k in container.params
        },
        "images": [c.image for c in sources if c.image],
        "children": list(media.children),
        "permalink": permalink(media, account.username),
        "timestamp": format_time(media.timestamp),
        "epoch": media.timestamp,
    }


def publishing_limit(emu: Emulator, req: Request, account: Account) -> Response:
    fields = [f for f in req.params.get("fields", "quota_usage").split(",") if f]
    state = emu.state
    with state.lock:
        config = state.config
        row: dict[str, Any] = {}
        for name in fields:
            if name == "quota_usage":
                row["quota_usage"] = state.count_recent(
                    state.publish_times, account.ig_user_id, config.quota_duration
                )
            elif name == "config":
                row["config"] = {"quota_total": config.quota_total, "quota_duration": config.quota_duration}
            else:
                raise nonexisting_field(name, "ContentPublishingLimit")
    return json_response({"data": [row]})


# ---------------------------------------------------------------------------------------------
# Media insights
# ---------------------------------------------------------------------------------------------
def media_insights(
    emu: Emulator, media: Media, names: list[str], breakdown: str | None
) -> list[dict[str, Any]]:
    state = emu.state
    if media.parent_id is not None:
        raise invalid_parameter("Insights are not available for media inside a carousel album")
    supported = insights.MEDIA_METRICS[media.product_type]
    all_known = set(insights.FEED_METRICS) | set(insights.REELS_METRICS) | set(insights.STORY_METRICS)
    for index, name in enumerate(names):
        if name in insights.REMOVED_MEDIA_METRICS:
            replacement = insights.REMOVED_MEDIA_METRICS[name]
            raise invalid_parameter(
                f"Starting from version v22.0 and above, the {name} metric is no longer supported. "
                f"Please use {replacement} instead."
            )
        if name not in all_known:
            raise invalid_parameter(
                f"metric[{index}] must be one of the following values: {', '.join(sorted(all_known))}"
            )
        if name not in supported:
            raise invalid_parameter(
                f"The Media Insights API does not support the {name} metric for this media product type "
                f"({media.product_type})."
            )
        if breakdown and insights.MEDIA_BREAKDOWNS.get(name) != breakdown:
            raise invalid_parameter(f"The breakdown {breakdown} is not supported for the {name} metric.")
    elapsed = state.now() - media.timestamp
    if media.product_type == STORY and elapsed > DAY:
        # Story insights are only kept for 24 h; after that Meta answers with an empty set.
        return []
    figures = insights.expected_media_metrics(state.seed, media.id, media.product_type, elapsed)
    data = []
    for name in names:
        title, description = insights.title_and_description(name)
        item: dict[str, Any] = {
            "name": name,
            "period": "lifetime",
            "values": [{"value": figures[name]}],
            "title": title,
            "description": description,
        }
        if breakdown:
            results = insights.media_metric_breakdown(state.seed, media.id, media.product_type, elapsed, name)
            item["total_value"] = {
                "value": figures[name],
                "breakdowns": [{"dimension_keys": [breakdown], "results": results}],
            }
        item["id"] = f"{media.id}/insights/{name}/lifetime"
        data.append(item)
    return data


def media_insights_call(emu: Emulator, req: Request, media_id: str) -> Response:
    metric = req.params.get("metric")
    if not metric:
        raise missing_parameter("metric")
    period = req.params.get("period", "lifetime")
    if period != "lifetime":
        raise invalid_parameter("period must be lifetime for media insights")
    names = [m.strip() for m in metric.split(",") if m.strip()]
    with emu.state.lock:
        media = emu.state.media[media_id]
        return json_response({"data": media_insights(emu, media, names, req.params.get("breakdown") or None)})


# ---------------------------------------------------------------------------------------------
# Account insights
# ---------------------------------------------------------------------------------------------
def _parse_time(value: str, name: str) -> float:
    try:
        return float(int(value))
    except ValueError:
        pass
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as exc:
        raise invalid_parameter(f"The {name} parameter is not a valid time: {value}") from exc
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.timestamp()


def _window(req: Request, now: float) -> tuple[float, float]:
    since_text, until_text = req.params.get("since"), req.params.get("until")
    until = _parse_time(until_text, "until") if until_text else None
    since = _parse_time(since_text, "since") if since_text else None
    if since is None and until is None:
        until, since = now, now - DAY
    elif since is None:
        assert until is not None
        since = until - DAY
    elif until is None:
        until = now
    if until < since:
        raise invalid_parameter("The until parameter must be later than since")
    if until - since > MAX_WINDOW:
        raise invalid_parameter("There cannot be more than 30 days (2592000 s) between since and until")
    return since, until


def _split(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split(",") if v.strip()]


def account_insights(emu: Emulator, req: Request, account: Account) -> Response:
    p = req.params
    metrics = _split(p.get("metric"))
    if not metrics:
        raise missing_parameter("metric")
    period = p.get("period")
    if not period:
        raise missing_parameter("period")
    known = set(insights.ACCOUNT_TOTAL_METRICS) | insights.TIME_SERIES_METRICS | insights.DEMOGRAPHIC_METRICS
    for index, name in enumerate(metrics):
        if name in insights.REMOVED_ACCOUNT_METRICS:
            raise invalid_parameter(
                f"Starting from version v22.0 and above, the {name} metric is no longer supported for "
                "Instagram user insights."
            )
        if name not in known:
            raise invalid_parameter(
                f"metric[{index}] must be one of the following values: {', '.join(sorted(known))}"
            )
    demographic = [m in insights.DEMOGRAPHIC_METRICS for m in metrics]
    if any(demographic):
        if not all(demographic):
            raise invalid_parameter("Demographic metrics cannot be requested together with other metrics")
        return demographics(emu, req, account, metrics)
    state = emu.state
    with state.lock:
        now = state.now()
        since, until = _window(req, now)
        metric_type = p.get("metric_type", "time_series")
        breakdowns = _split(p.get("breakdown"))
        if period != "day":
            raise invalid_parameter(f"Incorrect period {period}: these metrics support period day")
        if metric_type == "total_value":
            data = [_total_value_item(emu, account, m, since, until, breakdowns) for m in metrics]
        elif metric_type == "time_series":
            data = [_time_series_item(emu, account, m, since, until, breakdowns, now) for m in metrics]
        else:
            raise invalid_parameter(
                "metric_type must be one of the following values: time_series, total_value"
            )
    span = until - since
    answer = {
        "data": data,
        "paging": {
            "previous": _page_url(req, since=str(int(since - span)), until=str(int(since))),
            "next": _page_url(req, since=str(int(until)), until=str(int(until + span))),
        },
    }
    return json_response(answer)


def _item(account: Account, name: str, period: str) -> dict[str, Any]:
    title, description = insights.title_and_description(name)
    return {"name": name, "period": period, "title": title, "description": description}


def _total_value_item(
    emu: Emulator, account: Account, metric: str, since: float, until: float, breakdowns: list[str]
) -> dict[str, Any]:
    if metric not in insights.ACCOUNT_TOTAL_METRICS:
        raise invalid_parameter(f"The metric {metric} does not support metric_type=total_value")
    allowed = insights.ACCOUNT_TOTAL_METRICS[metric]
    for breakdown in breakdowns:
        if breakdown not in allowed:
            raise invalid_parameter(f"Incompatible breakdown {breakdown} for the metric {metric}")
    item = _item(account, metric, "day")
    item["total_value"] = insights.account_total_value(
        emu.state, account.ig_user_id, metric, since, until, breakdowns
    )
    item["id"] = f"{account.ig_user_id}/insights/{metric}/day"
    return item


DAY_END_HOUR_UTC = 7  # Meta closes its days at midnight Pacific time.


def _day_ends(since: float, until: float) -> list[float]:
    offset = DAY_END_HOUR_UTC * 3600
    end = (since - offset) // DAY * DAY + offset + DAY
    ends = [end]
    while end < until:
        end += DAY
        ends.append(end)
    return ends


def _time_series_item(
    emu: Emulator,
    account: Account,
    metric: str,
    since: float,
    until: float,
    breakdowns: list[str],
    now: float,
) -> dict[str, Any]:
    if metric not in insights.TIME_SERIES_METRICS:
        raise invalid_parameter(
            f"The following metrics ({metric}) should be specified with parameter metric_type=total_value"
        )
    if breakdowns:
        raise invalid_parameter("Breakdowns are only supported with metric_type=total_value")
    if metric == "follower_count" and since < now - MAX_WINDOW:
        raise invalid_parameter("The follower_count metric is only available for the last 30 days")
    values = []
    for end in _day_ends(since, until):
        start, stop = end - DAY, min(end, now)
        if metric == "follower_count":
            value = insights.new_followers(emu.state, account.ig_user_id, start, stop)
        else:
            value = insights.account_total_value(emu.state, account.ig_user_id, "reach", start, stop, [])[
                "value"
            ]
        values.append({"value": value, "end_time": format_time(end)})
    item = _item(account, metric, "day")
    item["values"] = values
    item["id"] = f"{account.ig_user_id}/insights/{metric}/day"
    return item


TIMEFRAME_DAYS = {"this_week": 7, "this_month": 30}


def demographics(emu: Emulator, req: Request, account: Account, metrics: list[str]) -> Response:
    p = req.params
    if p.get("period") != "lifetime":
        raise invalid_parameter("Demographic metrics only support period lifetime")
    if p.get("metric_type", "total_value") != "total_value":
        raise invalid_parameter("Demographic metrics only support metric_type total_value")
    timeframe = p.get("timeframe")
    if not timeframe:
        raise missing_parameter("timeframe")
    if timeframe not in TIMEFRAME_DAYS:
        raise invalid_parameter("timeframe must be one of the following values: this_week, this_month")
    breakdowns = _split(p.get("breakdown"))
    if not breakdowns:
        raise missing_parameter("breakdown")
    for breakdown in breakdowns:
        if breakdown not in insights.DEMOGRAPHIC_BREAKDOWNS:
            raise invalid_parameter(f"breakdown must be one of: {', '.join(insights.DEMOGRAPHIC_BREAKDOWNS)}")
    state = emu.state
    with state.lock:
        followers = state.followers_count(account)
        if followers < 100:
            raise GraphError(
                "(#10) Not enough users: demographic insights need at least 100 followers.",
                code=10,
                user_title="Not enough followers",
                user_msg="Demographic insights are shown for accounts with at least 100 followers.",
            )
        now = state.now()
        engaged = insights.account_total_value(
            state, account.ig_user_id, "accounts_engaged", now - TIMEFRAME_DAYS[timeframe] * DAY, now, []
        )["value"]
    data = []
    for metric in metrics:
        if metric == "follower_demographics":
            keys, results = breakdowns, insights.demographic_results(followers, breakdowns)
        else:
            # Meta's documented answer for the engaged audience leads with the timeframe.
            keys = ["timeframe", *breakdowns]
            results = [
                {"dimension_values": [timeframe.upper(), *row["dimension_values"]], "value": row["value"]}
                for row in insights.demographic_results(engaged, breakdowns)
            ]
        item = _item(account, metric, "lifetime")
        item["total_value"] = {"breakdowns": [{"dimension_keys": keys, "results": results}]}
        item["id"] = f"{account.ig_user_id}/insights/{metric}/lifetime"
        data.append(item)
    return json_response({"data": data})
