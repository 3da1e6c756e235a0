"""Tasks only the test worker loads (``--include``): a long task that keeps a solo worker busy."""

import time

from celery import shared_task


@shared_task(name="tests.keep_the_worker_busy", soft_time_limit=120, time_limit=130)
def keep_the_worker_busy(seconds: float) -> str:
    time.sleep(seconds)
    return "done"
