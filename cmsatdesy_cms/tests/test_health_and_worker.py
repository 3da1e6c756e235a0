import uuid

import pytest
from django.test import Client

from cmsatdesy_cms.models import WorkerHeartbeat
from cmsatdesy_cms.tasks import record_worker_heartbeat
from contributors.testing import wait_until


@pytest.mark.django_db
def test_healthz_reports_database_and_broker() -> None:
    response = Client().get("/healthz")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    assert body["broker"] == "ok"
    assert body["worker"] == "not seen"


@pytest.mark.django_db
def test_healthz_says_a_worker_runs_once_it_has_reported() -> None:
    WorkerHeartbeat.objects.create(hostname="worker-1")

    assert Client().get("/healthz").json()["worker"] == "ok"


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_task_queued_through_the_broker_runs_in_a_separate_worker_process(celery_worker_process) -> None:
    probe = f"probe-{uuid.uuid4()}"

    result = record_worker_heartbeat.delay(hostname=probe)

    beat = wait_until(lambda: WorkerHeartbeat.objects.filter(hostname=probe).first(), timeout=30)
    assert beat is not None
    wait_until(
        lambda: result.id in celery_worker_process.log() and "succeeded" in celery_worker_process.log()
    )
