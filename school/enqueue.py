"""Publishing a task must never make a page fail: when the broker is down the work is
already in the database and a periodic sweep finds it later.

Services name the task they publish (``"notifications.digest_send_batch"``) rather than
import it: the task modules call the services, so the services stay below them.
"""

import logging
import socket

from celery import current_app
from django.db import transaction
from kombu.exceptions import KombuError, OperationalError

logger = logging.getLogger(__name__)

try:  # redis-py is installed with celery[redis]; tolerate its absence.
    from redis.exceptions import RedisError
except ImportError:  # pragma: no cover
    RedisError = OperationalError

BROKER_ERRORS = (
    OperationalError,
    KombuError,
    RedisError,
    ConnectionError,
    socket.error,
    TimeoutError,
)


def task_publish(name: str, *args, countdown: int | None = None, **kwargs) -> None:
    """Publish the task registered as ``name``. A process that holds it publishes through
    it (its options and the eager mode of tests apply); any other sends the message by
    name, for the worker that holds it. Broker errors are raised."""
    task = current_app.tasks.get(name)
    if task is None:
        current_app.send_task(name, args=args, kwargs=kwargs or None, countdown=countdown)
    else:
        task.apply_async(args=args, kwargs=kwargs or None, countdown=countdown)


def task_enqueue_safely(name: str, *args, countdown: int | None = None, **kwargs) -> bool:
    """``task_publish`` that logs instead of raising when the broker is unreachable.
    Returns whether the message was published."""
    try:
        task_publish(name, *args, countdown=countdown, **kwargs)
    except BROKER_ERRORS as exc:
        logger.warning(
            "Could not publish %s (broker unreachable: %s); the periodic sweep will do it.",
            name,
            exc,
        )
        return False
    return True


def task_enqueue_on_commit(name: str, *args, countdown: int | None = None, **kwargs) -> None:
    """Publish once the current transaction commits, never raising into the request."""
    transaction.on_commit(
        lambda: task_enqueue_safely(name, *args, countdown=countdown, **kwargs), robust=True
    )
