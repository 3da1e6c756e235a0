import socket
from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from .models import WorkerHeartbeat


@shared_task(soft_time_limit=10, time_limit=20)
def record_worker_heartbeat(hostname: str = "") -> int:
    beat = WorkerHeartbeat.objects.create(hostname=hostname or socket.gethostname())
    WorkerHeartbeat.objects.filter(seen_at__lt=timezone.now() - timedelta(days=1)).delete()
    return beat.pk
