"""Creating containers: what Meta refuses, and the status each container goes through."""

from __future__ import annotations

from graph_emulator import DEMO_IG_USER_ID
from graph_emulator.testing import MP4, MP4_MOOV_LAST, jpeg, png
from graph_emulator.tests.conftest import assert_error

MEDIA = f"/v25.0/{DEMO_IG_USER_ID}/media"


def test_it_creates_an_image_container_that_is_finished_at_once(graph, image_url):
    container_id = graph.create_image_container(image_url, caption="Tracker modules #CMS")

    assert graph.status(container_id) == {
        "status_code": "FINISHED",
        "status": "Finished: Media has been uploaded and it is ready to be published.",
    }


def test_it_refuses_an_image_url_it_cannot_fetch(graph, media_server):
    response = graph.post(MEDIA, image_url=f"{media_server.base_url}/missing.jpg")

    error = assert_error(response, 9004, 2207052)
    assert error["is_transient"] is False
    assert error["error_user_title"] and error["error_user_msg"]


def test_it_refuses_a_png_image_url(graph, media_server):
    response = graph.post(MEDIA, image_url=media_server.add("photo.png", png()))

    assert_error(response, 36001, 2207005)


def test_it_refuses_bytes_that_are_not_an_image(graph, media_server):
    response = graph.post(MEDIA, image_url=media_server.add("notes.jpg", b"not an image at all"))

    assert_error(response, 36001, 2207005)


def test_it_refuses_an_image_over_8_mib(graph, media_server):
    big = jpeg(1080, 1080) + b"\x00" * (8 * 1024 * 1024)

    response = graph.post(MEDIA, image_url=media_server.add("big.jpg", big))

    assert_error(response, 36000, 2207004)


def test_it_refuses_an_image_taller_than_4_to_5(graph, media_server):
    response = graph.post(MEDIA, image_url=media_server.add("tall.jpg", jpeg(1080, 1920)))

    error = assert_error(response, 36003, 2207009)
    assert "0.56" in error["message"]


def test_it_refuses_an_image_wider_than_1_91_to_1(graph, media_server):
    response = graph.post(MEDIA, image_url=media_server.add("wide.jpg", jpeg(1440, 600)))

    assert_error(response, 36003, 2207009)


def test_it_accepts_the_aspect_ratio_limits(graph, media_server):
    graph.create_image_container(media_server.add("four-five.jpg", jpeg(1080, 1350)))
    graph.create_image_container(media_server.add("landscape.jpg", jpeg(1080, 566)))


def test_it_rescales_images_outside_320_to_1440_px_instead_of_refusing(graph, emulator, media_server):
    small = graph.create_image_container(media_server.add("small.jpg", jpeg(200, 200)))
    large = graph.create_image_container(media_server.add("large.jpg", jpeg(2000, 2000)))
    for container_id in (small, large):
        graph.publish(container_id)

    images = [record["images"][0] for record in emulator.published()]
    assert [(i["width"], i["stored_width"], i["stored_height"]) for i in images] == [
        (200, 320, 320),
        (2000, 1440, 1440),
    ]


def test_it_does_not_check_the_aspect_ratio_of_stories(graph, media_server):
    response = graph.post(
        MEDIA, media_type="STORIES", image_url=media_server.add("story.jpg", jpeg(1080, 1920))
    )

    assert response.status_code == 200


def test_it_counts_caption_length_in_code_points(graph, image_url):
    assert graph.post(MEDIA, image_url=image_url, caption="🔬" * 2200).status_code == 200

    response = graph.post(MEDIA, image_url=image_url, caption="🔬" * 2201)

    assert_error(response, 36004, 2207010)


def test_it_refuses_more_than_30_hashtags(graph, image_url):
    assert graph.post(MEDIA, image_url=image_url, caption=" ".join(f"#t{i}" for i in range(30))).ok

    response = graph.post(MEDIA, image_url=image_url, caption=" ".join(f"#t{i}" for i in range(31)))

    assert_error(response, 100, 2207040)


def test_it_refuses_more_than_20_mentions(graph, image_url):
    assert graph.post(MEDIA, image_url=image_url, caption=" ".join(f"@u{i}" for i in range(20))).ok

    response = graph.post(MEDIA, image_url=image_url, caption=" ".join(f"@u{i}" for i in range(21)))

    error = assert_error(response, 100, 2207040)
    assert "20" in error["error_user_msg"]


def test_it_refuses_a_carousel_with_one_or_eleven_children(graph, image_url):
    items = [graph.create_image_container(image_url, is_carousel_item="true") for _ in range(11)]

    assert_error(graph.post(MEDIA, media_type="CAROUSEL", children=items[0]), 100, 2207028)
    assert_error(graph.post(MEDIA, media_type="CAROUSEL", children=",".join(items)), 100, 2207028)
    assert graph.post(MEDIA, media_type="CAROUSEL", children=",".join(items[:10])).ok


def test_it_refuses_a_carousel_child_it_does_not_know(graph, image_url):
    item = graph.create_image_container(image_url, is_carousel_item="true")

    response = graph.post(MEDIA, media_type="CAROUSEL", children=f"{item},17890000099999999")

    assert_error(response, 24, 2207006)


def test_it_keeps_a_reel_in_progress_until_processing_time_has_passed(graph, emulator, media_server):
    emulator.configure(video_processing_seconds=40)
    response = graph.post(
        MEDIA, media_type="REELS", video_url=media_server.add("reel.mp4", MP4), caption="Reel"
    )
    container_id = response.json()["id"]

    assert graph.status(container_id)["status_code"] == "IN_PROGRESS"
    emulator.advance_clock(39)
    assert graph.status(container_id)["status_code"] == "IN_PROGRESS"
    emulator.advance_clock(2)
    assert graph.status(container_id)["status_code"] == "FINISHED"


def test_it_ends_a_reel_that_is_not_a_video_in_error_with_the_subcode(graph, emulator, media_server):
    response = graph.post(MEDIA, media_type="REELS", video_url=media_server.add("reel.mov", b"plain text"))
    container_id = response.json()["id"]
    emulator.advance_clock(emulator.emulator.state.config.video_processing_seconds)

    assert graph.status(container_id) == {
        "status_code": "ERROR",
        "status": "Error: Media upload has failed with error code 2207026",
    }


def test_it_ends_a_reel_whose_moov_atom_comes_last_in_error_2207026(graph, emulator, media_server):
    response = graph.post(MEDIA, media_type="REELS", video_url=media_server.add("slow.mp4", MP4_MOOV_LAST))
    emulator.advance_clock(60)

    assert graph.status(response.json()["id"])["status"].endswith("2207026")


def test_it_refuses_alt_text_on_a_reel(graph, media_server):
    response = graph.post(
        MEDIA, media_type="REELS", video_url=media_server.add("reel.mp4", MP4), alt_text="A detector"
    )

    assert response.status_code == 400
    assert "images only" in response.json()["error"]["message"]


def test_it_ends_a_reel_it_cannot_fetch_in_error_2207052(graph, emulator, media_server):
    response = graph.post(MEDIA, media_type="REELS", video_url=f"{media_server.base_url}/gone.mp4")
    emulator.advance_clock(60)

    assert graph.status(response.json()["id"])["status"].endswith("2207052")


def test_it_processes_video_stories_like_reels(graph, emulator, media_server):
    response = graph.post(MEDIA, media_type="STORIES", video_url=media_server.add("story.mp4", MP4))
    container_id = response.json()["id"]

    assert graph.status(container_id)["status_code"] == "IN_PROGRESS"
    emulator.advance_clock(60)
    assert graph.status(container_id)["status_code"] == "FINISHED"


def test_it_expires_a_container_after_24_hours(graph, emulator, image_url):
    container_id = graph.create_image_container(image_url)

    emulator.advance_clock(24 * 3600 - 1)
    assert graph.status(container_id)["status_code"] == "FINISHED"
    emulator.advance_clock(1)
    assert graph.status(container_id)["status_code"] == "EXPIRED"


def test_it_expires_containers_sooner_when_configured(graph, emulator, image_url):
    emulator.configure(container_lifetime_seconds=60)
    container_id = graph.create_image_container(image_url)

    emulator.advance_clock(61)

    assert graph.status(container_id)["status_code"] == "EXPIRED"


def test_it_answers_the_status_of_several_containers_by_ids(graph, image_url):
    first = graph.create_image_container(image_url)
    second = graph.create_image_container(image_url)

    response = graph.get("/v25.0/", ids=f"{first},{second}", fields="status_code")

    assert response.json() == {
        first: {"status_code": "FINISHED"},
        second: {"status_code": "FINISHED"},
    }


def test_it_refuses_unknown_container_fields(graph, image_url):
    container_id = graph.create_image_container(image_url)

    assert_error(graph.get(f"/{container_id}", fields="status_code,colour"), 100)


def test_it_refuses_containers_beyond_the_rolling_24_hour_limit_even_failed_ones(graph, emulator, image_url):
    emulator.configure(container_limit=3)
    graph.create_image_container(image_url)
    graph.post(MEDIA, image_url="http://127.0.0.1:9/unreachable.jpg")
    graph.create_image_container(image_url)

    assert_error(graph.post(MEDIA, image_url=image_url), 9, 2207042)
    emulator.advance_clock(24 * 3600 + 1)
    assert graph.post(MEDIA, image_url=image_url).ok


def test_it_refuses_an_unknown_media_type(graph, image_url):
    assert_error(graph.post(MEDIA, media_type="HOLOGRAM", image_url=image_url), 25, 2207023)


def test_it_refuses_a_container_without_image_url(graph):
    assert_error(graph.post(MEDIA, caption="no picture"), 100)
