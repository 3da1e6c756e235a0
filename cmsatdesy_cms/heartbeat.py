"""Signs of life written by the worker and by beat themselves, read by /healthz.

The worker's heartbeat comes from a thread of its own, started when the worker is ready: a
task sent by beat would read a dead beat as a dead worker, and with ``--pool=solo`` one long
task blocks the worker's own timers. Beat records a tick from its scheduler loop, so a beat
that stops scheduling stops beating.
"""

from __future__ import annotations

import logging
import socket
import threading
from datetime import timedelta
from typing import Any

from celery import signals
from celery.beat import PersistentScheduler
from django.conf import settings
from django.db import close_old_connections, connection
from django.utils import timezone

logger = logging.getLogger(__name__)


def record(process: str, hostname: str) -> None:
    from .models import Heartbeat

    now = timezone.now()
    Heartbeat.objects.update_or_create(process=process, hostname=hostname, defaults={"seen_at": now})
    # Hosts come and go (containers); a row nobody has written for a day is history.
    Heartbeat.objects.filter(seen_at__lt=now - timedelta(days=1)).delete()


class _WorkerHeartbeat(threading.Thread):
    def __init__(self, hostname: str, processes: list[str]) -> None:
        super().__init__(name="cmsatdesy-heartbeat", daemon=True)
        self.hostname = hostname
        self.processes = processes
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.is_set():
            try:
                close_old_connections()
                for process in self.processes:
                    record(process, self.hostname)
            except Exception:  # noqa: BLE001 - the next beat tries again; /healthz tells if none lands
                logger.warning("The worker could not record its heartbeat", exc_info=True)
            finally:
                connection.close()
            self.stopped.wait(settings.HEALTH_HEARTBEAT_INTERVAL)


_thread: _WorkerHeartbeat | None = None


def processes_of(consumer: Any) -> list[str]:
    """What this worker stands for: "worker" when it consumes the default queue (publishing,
    mail), "video" when it consumes the video queue (conversions), both when it takes both."""
    app = getattr(consumer, "app", None)
    queues = getattr(getattr(app, "amqp", None), "queues", None)
    consumed = set((getattr(queues, "consume_from", None) or queues or {}).keys())
    if not consumed:
        return ["worker"]
    processes = []
    if settings.CELERY_TASK_DEFAULT_QUEUE in consumed:
        processes.append("worker")
    if settings.VIDEO_QUEUE in consumed:
        processes.append("video")
    return processes or ["worker"]


@signals.worker_ready.connect
def start_worker_heartbeat(sender: Any = None, **kwargs: Any) -> None:
    global _thread
    hostname = getattr(sender, "hostname", None) or socket.gethostname()
    _thread = _WorkerHeartbeat(hostname, processes_of(sender))
    _thread.start()


@signals.worker_shutdown.connect
def stop_worker_heartbeat(**kwargs: Any) -> None:
    if _thread is not None:
        _thread.stopped.set()


class RecordingScheduler(PersistentScheduler):
    """Beat's scheduler that also records, at most once per heartbeat interval, that it ticks."""

    _recorded_at: float = 0.0

    def tick(self, *args: Any, **kwargs: Any) -> float:
        interval = super().tick(*args, **kwargs)
        now = self.app.now().timestamp()
        if now - self._recorded_at >= settings.HEALTH_HEARTBEAT_INTERVAL:
            try:
                close_old_connections()
                record("beat", socket.gethostname())
                self._recorded_at = now
            except Exception:  # noqa: BLE001 - beat keeps scheduling; /healthz reports it late
                logger.warning("Beat could not record its tick", exc_info=True)
        # Wake up at least once per interval, so the tick is recorded even when nothing is due.
        return min(interval, settings.HEALTH_HEARTBEAT_INTERVAL)
