"""The client against the Graph API emulator over real HTTP: nothing of ``requests`` is mocked."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
import requests

from graph_emulator import DEMO_APP_ID, DEMO_APP_SECRET, DEMO_IG_USER_ID, DEMO_TOKEN, DEMO_USERNAME
from graph_emulator.testing import MP4, jpeg
from instagram.client import ErrorKind, GraphAPIError, GraphClient


@pytest.fixture
def graph(graph_emulator: Any) -> GraphClient:
    return GraphClient(DEMO_TOKEN, flavour="instagram_login", ig_user_id=DEMO_IG_USER_ID)


@pytest.fixture
def image_url(public_media: Any) -> str:
    return public_media.add("portrait.jpg", jpeg(1080, 1350))


def test_an_image_is_created_published_and_found(graph: GraphClient, image_url: str) -> None:
    container = graph.create_image_container(
        image_url, caption="Tracker modules #CMS", alt_text="Modules on a table"
    )
    assert graph.container_status(container.id).status_code == "FINISHED"
    media_id = graph.publish(container.id)
    media = graph.media(media_id)
    assert media.caption == "Tracker modules #CMS"
    assert media.permalink.startswith("https://")
    assert isinstance(media.timestamp, datetime) and media.timestamp.tzinfo is not None
    assert (media.media_type, media.media_product_type) == ("IMAGE", "FEED")
    assert graph.container_status(container.id).status_code == "PUBLISHED"
    assert graph.list_media(limit=5).items[0].id == media_id


def test_a_carousel_publishes_as_one_post(graph: GraphClient, image_url: str, graph_emulator: Any) -> None:
    children = [graph.create_image_container(image_url, is_carousel_item=True).id for _ in range(3)]
    carousel = graph.create_carousel_container(children, caption="Three views")
    media_id = graph.publish(carousel.id)
    assert graph.media(media_id).media_type == "CAROUSEL_ALBUM"
    assert [record["media_id"] for record in graph_emulator.published()] == [media_id]


def test_a_reel_is_in_progress_until_the_video_is_processed(
    graph: GraphClient, public_media: Any, graph_emulator: Any
) -> None:
    video_url = public_media.add("reel.mp4", MP4)
    container = graph.create_video_container(
        video_url, media_type="REELS", caption="A reel", share_to_feed=True
    )
    assert graph.container_status(container.id).status_code == "IN_PROGRESS"
    with pytest.raises(GraphAPIError) as caught:
        graph.publish(container.id)
    assert caught.value.kind == ErrorKind.NOT_READY
    graph_emulator.advance_clock(120)
    assert graph.container_status(container.id).status_code == "FINISHED"
    assert graph.media(graph.publish(container.id)).media_product_type == "REELS"


def test_a_story_image(graph: GraphClient, image_url: str) -> None:
    container = graph.create_story_image_container(image_url)
    assert graph.media(graph.publish(container.id)).media_product_type == "STORY"


def test_many_container_statuses_in_one_call(graph: GraphClient, image_url: str, public_media: Any) -> None:
    image = graph.create_image_container(image_url)
    reel = graph.create_video_container(public_media.add("r.mp4", MP4))
    statuses = graph.containers_status([image.id, reel.id])
    assert {k: v.status_code for k, v in statuses.items()} == {image.id: "FINISHED", reel.id: "IN_PROGRESS"}


def test_media_pages_through_with_insights_expanded(graph: GraphClient, graph_emulator: Any) -> None:
    first = graph.list_media(limit=10, insight_metrics=["reach", "views"])
    assert len(first.items) == 10 and first.after_cursor
    second = graph.list_media(limit=10, after=first.after_cursor)
    assert not {m.id for m in first.items} & {m.id for m in second.items}
    for media in first.items:
        figures = {i.name: i.value for i in media.insights}
        assert 0 <= figures["reach"] <= figures["views"]
    assert len(graph_emulator.calls(match="/media$")) == 2


def test_media_and_account_insights(graph: GraphClient) -> None:
    media = next(m for m in graph.list_media(limit=20).items if m.media_product_type == "FEED")
    figures = {i.name: i.value for i in graph.media_insights(media.id, ["reach", "views", "likes", "saved"])}
    assert set(figures) == {"reach", "views", "likes", "saved"}
    (reach,) = graph.account_insights(
        ["reach"], period="day", metric_type="total_value", breakdown="follow_type"
    )
    assert isinstance(reach.value, dict) and set(reach.value) <= {"FOLLOWER", "NON_FOLLOWER"}
    ages = graph.demographics("follower_demographics", breakdown="age", timeframe="this_month")
    assert "25-34" in ages and all(v >= 0 for v in ages.values())
    limit = graph.publishing_limit()
    assert limit.quota_total > 0 and limit.quota_duration == 86400


def test_a_metric_that_does_not_fit_the_media_type_fails_permanently(graph: GraphClient) -> None:
    media = next(m for m in graph.list_media(limit=30).items if m.media_product_type == "FEED")
    with pytest.raises(GraphAPIError) as caught:
        graph.media_insights(media.id, ["ig_reels_avg_watch_time"])
    assert caught.value.kind == ErrorKind.PERMANENT and caught.value.code == 100


def test_me_in_both_flavours(graph: GraphClient, graph_emulator: Any) -> None:
    assert (graph.me().user_id, graph.me().username) == (DEMO_IG_USER_ID, DEMO_USERNAME)
    facebook_token = graph_emulator.create_token(login="facebook")["token"]
    facebook = GraphClient(facebook_token, flavour="facebook_login")
    assert facebook.base_url == graph_emulator.base_url
    assert facebook.me().user_id == DEMO_IG_USER_ID


def test_refresh_gives_a_token_good_for_60_days(graph_emulator: Any) -> None:
    token = graph_emulator.create_token(age_seconds=40 * 86400)["token"]
    fresh = GraphClient(token, flavour="instagram_login").refresh_token()
    assert fresh.expires_in is not None and 59 * 86400 < fresh.expires_in <= 60 * 86400
    assert GraphClient(fresh.access_token, flavour="instagram_login").me().user_id == DEMO_IG_USER_ID


def dialog_code(base_url: str, redirect_uri: str) -> str:
    """Allow access in the emulator's dialog, as the admin's browser would, and return the code."""
    answer = requests.post(
        f"{base_url}/oauth/authorize",
        data={"client_id": DEMO_APP_ID, "redirect_uri": redirect_uri, "state": "s", "decision": "allow",
              "ig_user_id": DEMO_IG_USER_ID},
        allow_redirects=False,
        timeout=5,
    )  # fmt: skip
    assert answer.status_code == 302
    return requests.utils.urlparse(answer.headers["Location"]).query.split("code=")[1].split("&")[0]


def test_code_exchange_then_long_lived_token_instagram_login(graph_emulator: Any) -> None:
    redirect_uri = "http://testserver/instagram/callback/"
    code = dialog_code(graph_emulator.base_url, redirect_uri)
    anonymous = GraphClient(None, flavour="instagram_login")
    app = {"client_id": DEMO_APP_ID, "client_secret": DEMO_APP_SECRET}
    short = anonymous.exchange_code(code, redirect_uri=redirect_uri, **app)
    assert short.user_id == DEMO_IG_USER_ID
    long_lived = anonymous.exchange_for_long_lived(short.access_token, **app)
    assert long_lived.expires_in is not None and long_lived.expires_in > 50 * 86400
    assert GraphClient(long_lived.access_token, flavour="instagram_login").me().username == DEMO_USERNAME


def test_a_used_code_is_refused(graph_emulator: Any) -> None:
    redirect_uri = "http://testserver/instagram/callback/"
    code = dialog_code(graph_emulator.base_url, redirect_uri)
    anonymous = GraphClient(None, flavour="instagram_login")
    app = {"client_id": DEMO_APP_ID, "client_secret": DEMO_APP_SECRET}
    anonymous.exchange_code(code, redirect_uri=redirect_uri, **app)
    with pytest.raises(GraphAPIError) as caught:
        anonymous.exchange_code(code, redirect_uri=redirect_uri, **app)
    assert caught.value.kind == ErrorKind.PERMANENT and caught.value.code == 100


# --- every fault the emulator injects -------------------------------------------------------------
@pytest.mark.parametrize(
    ("fault", "kind", "code"),
    [
        ({"kind": "transient"}, ErrorKind.TRANSIENT, 2),
        ({"kind": "transient", "code": 1, "status": 503}, ErrorKind.TRANSIENT, 1),
        ({"kind": "rate_limit"}, ErrorKind.RATE_LIMITED, 80002),
        ({"kind": "rate_limit", "code": 4}, ErrorKind.RATE_LIMITED, 4),
        ({"kind": "rate_limit", "code": 17}, ErrorKind.RATE_LIMITED, 17),
        ({"kind": "rate_limit", "code": 32}, ErrorKind.RATE_LIMITED, 32),
        ({"kind": "rate_limit", "code": 613}, ErrorKind.RATE_LIMITED, 613),
        ({"kind": "rate_limit", "code": 80001}, ErrorKind.RATE_LIMITED, 80001),
        ({"kind": "token_expired"}, ErrorKind.TOKEN_INVALID, 190),
        ({"kind": "error", "code": 9, "subcode": 2207042}, ErrorKind.RATE_LIMITED, 9),
        ({"kind": "error", "code": -1, "subcode": 2207001, "is_transient": True}, ErrorKind.TRANSIENT, -1),
        ({"kind": "error", "code": -2, "subcode": 2207003, "is_transient": True}, ErrorKind.TRANSIENT, -2),
        ({"kind": "error", "code": -1, "subcode": 2207032, "is_transient": True}, ErrorKind.TRANSIENT, -1),
        ({"kind": "error", "code": 24, "subcode": 2207008, "is_transient": True}, ErrorKind.TRANSIENT, 24),
        ({"kind": "error", "code": -2, "subcode": 2207020}, ErrorKind.NEW_CONTAINER_NEEDED, -2),
        ({"kind": "error", "code": -1, "subcode": 2207053}, ErrorKind.NEW_CONTAINER_NEEDED, -1),
        ({"kind": "error", "code": 24, "subcode": 2207006}, ErrorKind.NEW_CONTAINER_NEEDED, 24),
        ({"kind": "error", "code": 9007, "subcode": 2207027}, ErrorKind.NOT_READY, 9007),
        ({"kind": "error", "code": 190, "subcode": 467}, ErrorKind.TOKEN_INVALID, 190),
        ({"kind": "error", "code": 4, "subcode": 2207051}, ErrorKind.PERMANENT, 4),
        (
            {"kind": "error", "code": 36000, "subcode": 2207004, "user_msg": "Too big."},
            ErrorKind.PERMANENT,
            36000,
        ),
        ({"kind": "error", "code": 2, "status": 502, "is_transient": True}, ErrorKind.TRANSIENT, 2),
    ],
)
def test_each_injected_fault_maps_to_its_kind(
    graph: GraphClient, graph_emulator: Any, fault: dict[str, Any], kind: ErrorKind, code: int
) -> None:
    graph_emulator.add_fault(match="/content_publishing_limit$", **fault)
    with pytest.raises(GraphAPIError) as caught:
        graph.publishing_limit()
    assert caught.value.kind == kind
    assert caught.value.code == code
    assert caught.value.fbtrace_id
    assert graph.publishing_limit().quota_total > 0  # the fault was used up


@pytest.mark.parametrize("status", [502, 503, 504])
def test_an_html_error_page_from_a_proxy_is_transient(
    graph: GraphClient, graph_emulator: Any, status: int
) -> None:
    graph_emulator.add_fault("proxy_error", match="/me$", status=status)
    with pytest.raises(GraphAPIError) as caught:
        graph.me()
    assert (caught.value.kind, caught.value.http_status) == (ErrorKind.TRANSIENT, status)
    assert (caught.value.code, caught.value.fbtrace_id) == (None, "")
    assert graph_emulator.calls(match="/me$")[-1]["status"] == status


def test_a_call_asked_to_retry_gets_past_a_proxy_error_page(graph_emulator: Any) -> None:
    pauses: list[float] = []
    graph = GraphClient(
        DEMO_TOKEN, flavour="instagram_login", ig_user_id=DEMO_IG_USER_ID, sleep=pauses.append
    )
    graph_emulator.add_fault("proxy_error", match="/me$")
    assert graph.me(retries=1).user_id == DEMO_IG_USER_ID
    assert [c["status"] for c in graph_emulator.calls(match="/me$")] == [502, 200] and len(pauses) == 1


def test_rate_limiting_says_when_to_retry(graph: GraphClient, graph_emulator: Any) -> None:
    graph_emulator.add_fault("rate_limit", minutes=7)
    with pytest.raises(GraphAPIError) as caught:
        graph.me()
    assert caught.value.retry_after == 7 * 60
    assert graph.last_usage is not None and graph.last_usage.max_percent == 100


def test_usage_is_kept_from_every_answer(graph: GraphClient) -> None:
    graph.me()
    assert graph.last_usage is not None and 0 <= graph.last_usage.max_percent < 100


def test_an_expired_token_subcode(graph_emulator: Any) -> None:
    token = graph_emulator.create_token(expires_in=3600, age_seconds=7200)["token"]
    with pytest.raises(GraphAPIError) as caught:
        GraphClient(token, flavour="instagram_login", ig_user_id=DEMO_IG_USER_ID).me()
    assert (caught.value.kind, caught.value.code, caught.value.subcode) == (ErrorKind.TOKEN_INVALID, 190, 463)
    assert caught.value.user_message


def test_a_timeout_is_transient(graph_emulator: Any) -> None:
    graph_emulator.add_fault("timeout", seconds=3)
    graph = GraphClient(DEMO_TOKEN, flavour="instagram_login", ig_user_id=DEMO_IG_USER_ID, timeout=0.3)
    with pytest.raises(GraphAPIError) as caught:
        graph.me()
    assert caught.value.kind == ErrorKind.TRANSIENT
    assert caught.value.http_status is None


def test_a_held_reply_times_out_as_transient_and_the_call_still_took_effect(
    graph_emulator: Any, image_url: str
) -> None:
    graph = GraphClient(DEMO_TOKEN, flavour="instagram_login", ig_user_id=DEMO_IG_USER_ID, timeout=0.5)
    container = graph.create_image_container(image_url)
    graph_emulator.add_fault("hold", match="/media_publish$", stage="after")
    with pytest.raises(GraphAPIError) as caught:
        graph.publish(container.id)
    assert caught.value.kind == ErrorKind.TRANSIENT
    graph_emulator.release(action="drop")
    assert graph.container_status(container.id).status_code == "PUBLISHED"


def test_a_dropped_connection_is_transient(graph: GraphClient, graph_emulator: Any) -> None:
    graph_emulator.add_fault("hold", match="/me$")
    import threading

    threading.Timer(0.3, lambda: graph_emulator.release(action="drop")).start()
    with pytest.raises(GraphAPIError) as caught:
        graph.me()
    assert caught.value.kind == ErrorKind.TRANSIENT


def test_a_refused_connection_is_transient() -> None:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    graph = GraphClient(DEMO_TOKEN, flavour="instagram_login", base_url=f"http://127.0.0.1:{port}", timeout=2)
    with pytest.raises(GraphAPIError) as caught:
        graph.me()
    assert caught.value.kind == ErrorKind.TRANSIENT


def test_a_container_error_shows_in_its_status(
    graph: GraphClient, graph_emulator: Any, image_url: str
) -> None:
    graph_emulator.add_fault("container_error", subcode=2207001)
    container = graph.create_image_container(image_url)
    status = graph.container_status(container.id)
    assert status.status_code == "ERROR" and "2207001" in status.status
    with pytest.raises(GraphAPIError) as caught:
        graph.publish(container.id)
    assert caught.value.kind == ErrorKind.NOT_READY  # Meta's answer; only the status tells


def test_an_expired_container_needs_a_new_one(
    graph: GraphClient, graph_emulator: Any, image_url: str
) -> None:
    graph_emulator.add_fault("container_expired")
    container = graph.create_image_container(image_url)
    assert graph.container_status(container.id).status_code == "EXPIRED"
    with pytest.raises(GraphAPIError) as caught:
        graph.publish(container.id)
    assert caught.value.kind == ErrorKind.NEW_CONTAINER_NEEDED


def test_a_publish_that_succeeds_but_answers_with_an_error(
    graph: GraphClient, graph_emulator: Any, image_url: str
) -> None:
    graph_emulator.add_fault("publish_lost_reply")
    container = graph.create_image_container(image_url)
    with pytest.raises(GraphAPIError) as caught:
        graph.publish(container.id)
    assert caught.value.kind == ErrorKind.TRANSIENT
    assert graph.container_status(container.id).status_code == "PUBLISHED"
    assert len(graph_emulator.published()) == 1


@pytest.mark.parametrize(
    ("subcode", "kind"),
    [(2207052, ErrorKind.PERMANENT), (2207005, ErrorKind.PERMANENT), (2207009, ErrorKind.PERMANENT)],
)
def test_content_the_emulator_refuses(
    graph: GraphClient, public_media: Any, subcode: int, kind: ErrorKind
) -> None:
    import io

    from PIL import Image

    if subcode == 2207052:
        url = public_media.base_url + "/missing.jpg"
    elif subcode == 2207005:
        buffer = io.BytesIO()
        Image.new("RGB", (1080, 1080)).save(buffer, "PNG")
        url = public_media.add("image.png", buffer.getvalue())
    else:
        url = public_media.add("panorama.jpg", jpeg(1440, 400))
    with pytest.raises(GraphAPIError) as caught:
        graph.create_image_container(url)
    assert (caught.value.kind, caught.value.subcode) == (kind, subcode)
    assert caught.value.user_message and caught.value.fix_hint()


# --- retries ---------------------------------------------------------------------------------------
def test_retries_only_when_asked_and_only_for_transient_errors(graph_emulator: Any) -> None:
    pauses: list[float] = []
    graph = GraphClient(
        DEMO_TOKEN, flavour="instagram_login", ig_user_id=DEMO_IG_USER_ID, sleep=pauses.append
    )
    graph_emulator.add_fault("transient", match="/me$", count=2)
    assert graph.me(retries=2).user_id == DEMO_IG_USER_ID
    assert len(pauses) == 2 and pauses[1] > pauses[0] * 0.5  # growing, with jitter
    assert len(graph_emulator.calls(match="/me$")) == 3

    graph_emulator.add_fault("transient", match="/me$", count=1)
    with pytest.raises(GraphAPIError):
        graph.me()  # not asked: no retry
    graph_emulator.add_fault("error", match="/me$", code=100, count=1)
    before = len(graph_emulator.calls(match="/me$"))
    with pytest.raises(GraphAPIError):
        graph.me(retries=3)  # permanent: no retry
    assert len(graph_emulator.calls(match="/me$")) == before + 1
    assert len(pauses) == 2


def test_publish_is_never_retried(graph_emulator: Any, image_url: str) -> None:
    pauses: list[float] = []
    graph = GraphClient(
        DEMO_TOKEN, flavour="instagram_login", ig_user_id=DEMO_IG_USER_ID, sleep=pauses.append
    )
    container = graph.create_image_container(image_url)
    graph_emulator.add_fault("transient", match="/media_publish$")
    with pytest.raises(GraphAPIError):
        graph.publish(container.id)
    assert len(graph_emulator.calls(match="/media_publish$")) == 1 and pauses == []


def test_every_call_has_the_version_prefix_and_a_bearer_header(
    graph: GraphClient, graph_emulator: Any
) -> None:
    graph.me()
    graph.publishing_limit()
    for call in graph_emulator.calls():
        assert call["version"] == "v25.0"
        assert call["authorization"].startswith("Bearer ")
