"""Celery tasks: thin. They take ids, call one service and return quietly when their
object is gone. Export and erasure are restartable, so they ack late and are handed out
again when their worker dies; the sweep finds any whose message was lost."""

import datetime as dt

from celery import shared_task

from privacy.services import erasure, exports, retention
from school.enqueue import task_enqueue_safely

RESTARTABLE = {"acks_late": True, "reject_on_worker_lost": True, "ignore_result": True}
LOST_AFTER = dt.timedelta(minutes=10)


@shared_task(name="privacy.export_build", **RESTARTABLE)
def export_build_task(export_id: int) -> None:
    exports.export_build(export_id=export_id)


@shared_task(name="privacy.erasure_run", **RESTARTABLE)
def erasure_run_task(erasure_id: int) -> None:
    erasure.erasure_run(erasure_id=erasure_id)


@shared_task(name="privacy.purge_expired", ignore_result=True)
def purge_expired_task() -> None:
    """Beat, nightly: delete expired export files, then what each retention schedule has
    kept long enough."""
    exports.exports_expire()
    retention.retention_purge()


@shared_task(name="privacy.sweep", ignore_result=True)
def sweep_task() -> None:
    """Beat, every few minutes: exports and erasures a lost message or a killed worker left."""
    for export_id in exports.exports_waiting(older_than=LOST_AFTER):
        task_enqueue_safely("privacy.export_build", export_id)
    for erasure_id in erasure.erasures_waiting(older_than=LOST_AFTER):
        task_enqueue_safely("privacy.erasure_run", erasure_id)
