"""Settings for the real Celery worker the worker tests start in a subprocess: the school's
settings, with email written one file per message where the test can count it."""

import os

from school.settings import *  # noqa: F403

EMAIL_BACKEND = "tests.notifications.mailbackends.DirectoryBackend"
NOTIFICATIONS_TEST_MAIL_DIR = os.environ["NOTIFICATIONS_TEST_MAIL_DIR"]
NOTIFICATIONS_DIGEST_BATCH_SIZE = int(os.environ.get("NOTIFICATIONS_DIGEST_BATCH_SIZE", "10"))
NOTIFICATIONS_RESPONSE_BATCH_SECONDS = 1
