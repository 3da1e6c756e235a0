"""Injected faults: each kind, their scope and count, and holding replies until released."""

from __future__ import annotations

import json
import threading

import pytest
import requests

from graph_emulator import DEMO_IG_USER_ID
from graph_emulator.tests.conftest import assert_error

PUBLISH = f"/v25.0/{DEMO_IG_USER_ID}/media_publish"


def test_it_answers_a_transient_5xx_for_the_next_matching_call_only(graph, emulator, image_url):
    container_id = graph.create_image_container(image_url)
    emulator.add_fault("transient", match="media_publish", count=1)

    error = assert_error(graph.publish(container_id), 2, status=500)

    assert error["is_transient"] is True
    assert emulator.published() == []
    assert graph.publish(container_id).status_code == 200


def test_it_can_answer_transient_code_1_with_503(graph, emulator):
    emulator.add_fault("transient", code=1, status=503)

    error = assert_error(graph.get("/me"), 1, status=503)

    assert error["message"] == "An unknown error occurred"


def test_it_only_applies_a_fault_to_the_matching_method(graph, emulator, image_url):
    emulator.add_fault("transient", match=r"/media$", method="POST")

    assert graph.get(f"/{DEMO_IG_USER_ID}/media").ok
    assert_error(graph.post(f"/{DEMO_IG_USER_ID}/media", image_url=image_url), 2, status=500)


def test_it_keeps_a_fault_with_null_count_until_it_is_removed(graph, emulator):
    fault = emulator.add_fault("transient", match="/me$", count=None)

    assert [graph.get("/me").status_code for _ in range(3)] == [500, 500, 500]
    requests.delete(f"{emulator.base_url}/_emulator/faults/{fault['id']}", timeout=10)
    assert graph.get("/me").ok


def test_it_times_out_without_publishing_by_default(graph, emulator, image_url):
    container_id = graph.create_image_container(image_url)
    emulator.add_fault("timeout", match="media_publish", seconds=3)

    with pytest.raises(requests.exceptions.ReadTimeout):
        graph.post(PUBLISH, creation_id=container_id, timeout=0.3)

    assert emulator.published() == []
    assert graph.status(container_id)["status_code"] == "FINISHED"


def test_it_times_out_after_publishing_when_the_fault_has_effect(graph, emulator, image_url):
    container_id = graph.create_image_container(image_url)
    emulator.add_fault("timeout", match="media_publish", seconds=3, effect=True)

    with pytest.raises(requests.exceptions.ReadTimeout):
        graph.post(PUBLISH, creation_id=container_id, timeout=0.3)

    assert len(emulator.published()) == 1
    assert graph.status(container_id)["status_code"] == "PUBLISHED"


def test_it_rate_limits_with_80002_and_a_full_usage_header(graph, emulator):
    emulator.add_fault("rate_limit", minutes=7)

    response = graph.get("/me")

    error = assert_error(response, 80002)
    assert error["is_transient"] is True
    usage = json.loads(response.headers["X-Business-Use-Case-Usage"])[DEMO_IG_USER_ID][0]
    assert usage["call_count"] == 100
    assert usage["estimated_time_to_regain_access"] == 7


def test_it_puts_the_next_created_container_in_error_with_the_subcode(graph, emulator, image_url):
    emulator.add_fault("container_error", match=r"/media$", subcode=2207053)
    container_id = graph.create_image_container(image_url)

    assert graph.status(container_id) == {
        "status_code": "ERROR",
        "status": "Error: Media upload has failed with error code 2207053",
    }
    assert_error(graph.publish(container_id), 9007, 2207027)


def test_it_puts_a_queried_container_in_error(graph, emulator, image_url):
    container_id = graph.create_image_container(image_url)
    emulator.add_fault("container_error", match=container_id)

    assert graph.status(container_id)["status_code"] == "ERROR"
    assert graph.status(container_id)["status"].endswith("2207001")


def test_it_expires_the_next_container(graph, emulator, image_url):
    emulator.add_fault("container_expired")
    container_id = graph.create_image_container(image_url)

    assert graph.status(container_id)["status_code"] == "EXPIRED"
    assert_error(graph.publish(container_id), -2, 2207020)


def test_it_publishes_but_answers_500_when_the_reply_is_lost(graph, emulator, image_url):
    container_id = graph.create_image_container(image_url)
    emulator.add_fault("publish_lost_reply")

    error = assert_error(graph.publish(container_id), 2, status=500)

    assert error["is_transient"] is True
    assert len(emulator.published()) == 1
    assert graph.status(container_id)["status_code"] == "PUBLISHED"
    listing = graph.get(f"/{DEMO_IG_USER_ID}/media", fields="id,caption,timestamp", limit=1).json()["data"]
    assert listing[0]["id"] == emulator.published()[0]["media_id"]


def test_it_answers_an_expired_token_once(graph, emulator):
    emulator.add_fault("token_expired")

    assert_error(graph.get("/me"), 190, 463)
    assert graph.get("/me").ok


def test_it_answers_any_error_described_in_the_fault(graph, emulator, image_url):
    emulator.add_fault(
        "error", match=r"/media$", code=4, subcode=2207051, message="Action blocked", user_msg="Try later"
    )

    error = assert_error(graph.post(f"/{DEMO_IG_USER_ID}/media", image_url=image_url), 4, 2207051)

    assert error["error_user_msg"] == "Try later"


def _publish_in_background(graph, container_id: str) -> tuple[threading.Thread, dict]:
    outcome: dict = {}

    def run() -> None:
        try:
            outcome["response"] = graph.publish(container_id)
        except requests.exceptions.ConnectionError as exc:
            outcome["error"] = exc

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


def test_it_holds_a_request_before_handling_it_until_released(graph, emulator, image_url):
    container_id = graph.create_image_container(image_url)
    emulator.add_fault("hold", match="media_publish")
    thread, outcome = _publish_in_background(graph, container_id)

    [held] = emulator.held(wait=5)
    assert held["path"] == PUBLISH.removeprefix("/v25.0")
    assert held["params"]["creation_id"] == container_id
    assert emulator.published() == []

    assert emulator.release(held["id"]) == [held["id"]]
    thread.join(5)
    assert outcome["response"].status_code == 200
    assert len(emulator.published()) == 1


def test_it_holds_the_reply_after_publishing_and_can_drop_it(graph, emulator, image_url):
    container_id = graph.create_image_container(image_url)
    emulator.add_fault("hold", match="media_publish", stage="after")
    thread, outcome = _publish_in_background(graph, container_id)

    emulator.held(wait=5)
    assert len(emulator.published()) == 1
    emulator.release(action="drop")
    thread.join(5)

    assert "error" in outcome
    assert graph.status(container_id)["status_code"] == "PUBLISHED"


def test_it_injects_holds_and_releases_through_the_control_api(graph, emulator, image_url):
    control = f"{emulator.base_url}/_emulator"
    container_id = graph.create_image_container(image_url)
    fault = requests.post(
        f"{control}/faults", json={"kind": "hold", "match": "media_publish"}, timeout=10
    ).json()["faults"][0]
    thread, outcome = _publish_in_background(graph, container_id)

    held = requests.get(f"{control}/held", params={"wait": 5}, timeout=10).json()["held"]
    assert [h["fault_id"] for h in held] == [fault["id"]]
    assert requests.post(f"{control}/release", json={}, timeout=10).json() == {"released": [held[0]["id"]]}
    thread.join(5)

    assert outcome["response"].ok
    assert requests.get(f"{control}/held", timeout=10).json() == {"held": []}


def test_it_refuses_an_unknown_fault_kind(emulator):
    response = requests.post(f"{emulator.base_url}/_emulator/faults", json={"kind": "gremlins"}, timeout=10)

    assert response.status_code == 400
    assert "kind" in response.json()["error"]


def test_it_lists_active_faults_with_their_remaining_count(emulator):
    requests.post(
        f"{emulator.base_url}/_emulator/faults",
        json={"faults": [{"kind": "transient", "count": 2}, {"kind": "timeout", "match": "insights"}]},
        timeout=10,
    )

    faults = requests.get(f"{emulator.base_url}/_emulator/faults", timeout=10).json()["faults"]

    assert [(f["kind"], f["remaining"]) for f in faults] == [("transient", 2), ("timeout", 1)]


def test_it_answers_an_html_502_from_a_proxy_instead_of_metas_json(graph, emulator):
    emulator.add_fault("proxy_error", match="/me$")

    response = graph.get("/me")

    assert response.status_code == 502
    assert response.headers["Content-Type"].startswith("text/html")
    assert "<title>502 Bad Gateway</title>" in response.text
    with pytest.raises(ValueError):
        response.json()
    assert "x-fb-trace-id" not in response.headers and "X-Business-Use-Case-Usage" not in response.headers
    assert emulator.calls()[0]["status"] == 502
    assert graph.get("/me").ok  # used up


def test_it_answers_a_proxy_error_with_the_status_and_body_given(graph, emulator):
    emulator.add_fault("proxy_error", status=504, body="upstream timed out")

    response = graph.get("/me")

    assert (response.status_code, response.text) == (504, "upstream timed out")


def test_it_refuses_a_fault_status_that_is_not_an_http_status(emulator):
    response = requests.post(
        f"{emulator.base_url}/_emulator/faults", json={"kind": "proxy_error", "status": 1502}, timeout=10
    )

    assert response.status_code == 400
    assert "status" in response.json()["error"]
