"""Celery wiring, the documented way: settings under the ``CELERY_`` namespace."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "school.settings")

app = Celery("school")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="school.ping")
def ping(token: str) -> str:
    """Round trip used by the set-up check: the web process sends, the worker answers."""
    from django.core.cache import cache

    cache.set(f"ping:{token}", "pong", timeout=300)
    return "pong"
