"""Publishing containers, the answers for wrong states, and the rolling publishing limit."""

from __future__ import annotations

from graph_emulator import DEMO_IG_USER_ID
from graph_emulator.testing import MP4
from graph_emulator.tests.conftest import assert_error

MEDIA = f"/v25.0/{DEMO_IG_USER_ID}/media"
LIMIT = f"/v25.0/{DEMO_IG_USER_ID}/content_publishing_limit"


def test_it_publishes_a_finished_container_and_marks_it_published(graph, emulator, image_url):
    container_id = graph.create_image_container(image_url, caption="Beam test in Zeuthen #DESY")

    response = graph.publish(container_id)

    assert response.status_code == 200
    media_id = response.json()["id"]
    assert graph.status(container_id)["status_code"] == "PUBLISHED"
    media = graph.get(
        f"/v25.0/{media_id}", fields="id,caption,media_type,media_product_type,permalink,timestamp"
    )
    assert media.json()["caption"] == "Beam test in Zeuthen #DESY"
    assert media.json()["media_type"] == "IMAGE"
    assert media.json()["media_product_type"] == "FEED"
    assert media.json()["permalink"].startswith("https://www.instagram.com/p/")
    assert media.json()["timestamp"].endswith("+0000")
    [record] = emulator.published()
    assert record["media_id"] == media_id
    assert record["container_id"] == container_id
    assert record["caption"] == "Beam test in Zeuthen #DESY"
    assert record["image_urls"] == [image_url]


def test_it_answers_9007_when_publishing_the_same_container_twice(graph, emulator, image_url):
    container_id = graph.create_image_container(image_url)
    graph.publish(container_id)

    error = assert_error(graph.publish(container_id), 9007, 2207027)

    assert error["message"] == "Media ID is not available"
    assert len(emulator.published()) == 1


def test_it_answers_9007_2207027_for_a_container_still_in_progress(graph, media_server):
    response = graph.post(MEDIA, media_type="REELS", video_url=media_server.add("reel.mp4", MP4))

    assert_error(graph.publish(response.json()["id"]), 9007, 2207027)


def test_it_answers_2207020_for_an_expired_container(graph, emulator, image_url):
    container_id = graph.create_image_container(image_url)
    emulator.advance_clock(25 * 3600)

    assert_error(graph.publish(container_id), -2, 2207020)


def test_it_answers_2207006_for_an_unknown_container(graph):
    assert_error(graph.publish("17890000099999999"), 24, 2207006)


def test_it_publishes_a_carousel_with_its_children(graph, emulator, image_url):
    items = [graph.create_image_container(image_url, is_carousel_item="true") for _ in range(3)]
    parent = graph.post(MEDIA, media_type="CAROUSEL", children=",".join(items), caption="Open day").json()[
        "id"
    ]

    media_id = graph.publish(parent).json()["id"]

    album = graph.get(f"/{media_id}", fields="media_type,caption,children{id,media_type}").json()
    assert album["media_type"] == "CAROUSEL_ALBUM"
    assert album["caption"] == "Open day"
    assert [child["media_type"] for child in album["children"]["data"]] == ["IMAGE"] * 3
    assert [graph.status(i)["status_code"] for i in items] == ["PUBLISHED"] * 3
    assert emulator.published()[0]["image_urls"] == [image_url] * 3
    listing = graph.get(f"/{media_id}/children", fields="id").json()["data"]
    assert len(listing) == 3


def test_it_publishes_a_reel_once_processed(graph, emulator, media_server):
    video_url = media_server.add("reel.mp4", MP4)
    container_id = graph.post(MEDIA, media_type="REELS", video_url=video_url, caption="Reel").json()["id"]
    emulator.advance_clock(60)

    media_id = graph.publish(container_id).json()["id"]

    media = graph.get(f"/{media_id}", fields="media_type,media_product_type,permalink").json()
    assert media["media_type"] == "VIDEO"
    assert media["media_product_type"] == "REELS"
    assert "/reel/" in media["permalink"]
    assert emulator.published()[0]["video_urls"] == [video_url]


def test_it_reports_publishing_quota_usage_over_a_rolling_day(graph, emulator, image_url):
    graph.publish(graph.create_image_container(image_url))
    graph.publish(graph.create_image_container(image_url))

    answer = graph.get(LIMIT, fields="quota_usage,config").json()

    assert answer == {"data": [{"quota_usage": 2, "config": {"quota_total": 100, "quota_duration": 86400}}]}
    emulator.advance_clock(24 * 3600 + 1)
    assert graph.get(LIMIT, fields="quota_usage").json() == {"data": [{"quota_usage": 0}]}


def test_it_refuses_to_publish_over_the_quota_until_the_window_moves(graph, emulator, image_url):
    emulator.configure(quota_total=2)
    graph.publish(graph.create_image_container(image_url))
    emulator.advance_clock(3600)
    graph.publish(graph.create_image_container(image_url))
    third = graph.create_image_container(image_url)

    assert_error(graph.publish(third), 9, 2207042)
    emulator.advance_clock(23 * 3600 + 1)
    assert graph.publish(third).status_code == 200


def test_it_refuses_to_publish_a_carousel_item_on_its_own(graph, image_url):
    item = graph.create_image_container(image_url, is_carousel_item="true")

    assert_error(graph.publish(item), 100)


def _delete(emulator, media_id: str, token: str):
    import requests

    return requests.delete(
        f"{emulator.base_url}/v25.0/{media_id}", headers={"Authorization": f"Bearer {token}"}, timeout=10
    )


def test_it_deletes_a_post_only_for_facebook_login_with_manage_contents(graph, emulator, image_url):
    media_id = graph.publish(graph.create_image_container(image_url)).json()["id"]
    instagram = emulator.create_token(login="instagram")["token"]
    facebook = emulator.create_token(login="facebook")["token"]
    allowed = emulator.create_token(
        login="facebook", scopes=["instagram_basic", "instagram_content_publish", "instagram_manage_contents"]
    )["token"]

    assert_error(_delete(emulator, media_id, instagram), 10, status=403)
    assert_error(_delete(emulator, media_id, facebook), 10, status=403)
    assert graph.get(f"/v25.0/{media_id}", fields="id").status_code == 200

    response = _delete(emulator, media_id, allowed)

    assert response.json() == {"success": True}
    assert_error(graph.get(f"/v25.0/{media_id}", fields="id"), 100, 33)
    [record] = emulator.published()
    assert record["deleted"] is True
