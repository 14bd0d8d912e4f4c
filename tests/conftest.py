import threading

import pytest
import zeal
from celery.signals import task_postrun, task_prerun
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

# Tests that start a real Celery worker (or stop the broker under one) run one after
# another on one pytest-xdist worker: two such workers at once on two cores would race for
# the CPU their timing assumes.
REAL_WORKER_MODULES = {
    "test_worker", "test_worker_moderation", "test_worker_roundtrip", "test_broker_down",
    "test_account_email_worker", "test_queued_in_broker",
}  # fmt: skip


def pytest_collection_modifyitems(config, items):
    for item in items:
        if item.path.stem in REAL_WORKER_MODULES:
            item.add_marker(pytest.mark.xdist_group("real-worker"))


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    # Tests do not run collectstatic: serve static files without a manifest.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.SITE_URL = "http://testserver"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()
    yield
    cache.clear()


# N+1 detection (django-zeal, ``tests/settings.py``): every page is served under it by its
# middleware, and every task run through Celery (at once in tests, or by a worker) here.
# Loading a relation row by row raises ``NPlusOneError`` in the test that renders it;
# the set-up a test does with factories is not checked.
_zeal_tokens: dict[str, object] = {}


@task_prerun.connect
def _zeal_on(task_id=None, **kwargs):
    _zeal_tokens[task_id] = zeal.setup()


@task_postrun.connect
def _zeal_off(task_id=None, **kwargs):
    zeal.teardown(_zeal_tokens.pop(task_id, None))


@pytest.fixture
def password():
    return "a-long-Passphrase-2026"


@pytest.fixture
def tasks_run_at_once():
    """Celery runs a task the moment it is published, in this process, as a worker would
    (for tests that read an email a task sends)."""
    from school.celery import app

    saved = (app.conf.task_always_eager, app.conf.task_eager_propagates)
    app.conf.task_always_eager = app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = saved


@pytest.fixture
def postgres_only():
    """Skip unless the tests run on PostgreSQL (concurrent transactions)."""
    if connection.vendor != "postgresql":
        pytest.skip(
            "concurrent transactions need PostgreSQL: set DATABASE_URL=postgres://… "
            "(SQLite serialises writers with IMMEDIATE transactions anyway)"
        )


def _race(actions) -> list[str]:
    """Run the callables at the same moment, each in its own thread on its own database
    connection. Returns the outcomes, sorted: "ok", or the message a refusal carried."""
    barrier = threading.Barrier(len(actions))
    results = []

    def run(action):
        try:
            barrier.wait(timeout=10)
            action()
            results.append("ok")
        except ValidationError as error:
            results.append(" ".join(error.messages))
        except PermissionDenied as error:
            results.append(str(error))
        except Exception as error:  # shown in the assertion rather than lost with the thread
            results.append(f"unexpected {error!r}")
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(action,)) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return sorted(results)


@pytest.fixture
def race():
    """``race([callable, …])``: see ``_race``. With ``postgres_only`` and
    ``django_db(transaction=True)``: the threads must see the test's rows."""
    return _race
