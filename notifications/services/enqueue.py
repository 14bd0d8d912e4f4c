"""Publishing a task must never make a page fail: when the broker is down the work is
already in the database and a periodic sweep finds it later."""

import logging
import socket

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


def task_enqueue_safely(task, *args, countdown: int | None = None, **kwargs) -> bool:
    """``task.apply_async`` that logs instead of raising when the broker is unreachable.
    Returns whether the message was published."""
    try:
        task.apply_async(args=args, kwargs=kwargs or None, countdown=countdown)
    except BROKER_ERRORS as exc:
        logger.warning(
            "Could not publish %s (broker unreachable: %s); the periodic sweep will do it.",
            task.name,
            exc,
        )
        return False
    return True


def task_enqueue_on_commit(task, *args, countdown: int | None = None, **kwargs) -> None:
    """Publish once the current transaction commits, never raising into the request."""
    transaction.on_commit(
        lambda: task_enqueue_safely(task, *args, countdown=countdown, **kwargs), robust=True
    )
