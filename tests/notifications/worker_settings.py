"""Settings for the real Celery worker the worker tests start in a subprocess: the school's
settings, with email written one file per message where the test can count it — or, when
the test gives an ``EMAIL_URL`` (its SMTP sink), sent over SMTP as in production."""

import os

from school.settings import *  # noqa: F403

if not os.environ.get("EMAIL_URL"):
    EMAIL_BACKEND = "tests.notifications.mailbackends.DirectoryBackend"
NOTIFICATIONS_TEST_MAIL_DIR = os.environ["NOTIFICATIONS_TEST_MAIL_DIR"]
NOTIFICATIONS_DIGEST_BATCH_SIZE = int(os.environ.get("NOTIFICATIONS_DIGEST_BATCH_SIZE", "10"))
NOTIFICATIONS_RESPONSE_BATCH_SECONDS = 1

# A worker killed outright leaves its message unacked in Redis: hand it out again quickly.
if os.environ.get("WORKER_VISIBILITY_TIMEOUT"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        **CELERY_BROKER_TRANSPORT_OPTIONS,  # noqa: F405
        "visibility_timeout": int(os.environ["WORKER_VISIBILITY_TIMEOUT"]),
        "unacked_restore_interval": 1,
        "unacked_restore_throttle": 1,
    }
