"""The school's settings, plus N+1 detection (django-zeal): a page, task or email that
loads a relation once per row fails the test that runs it. ``ZEAL_ALLOWLIST`` names the
few per-row loads that are intended, each with its reason.

Under pytest-xdist each worker process (``PYTEST_XDIST_WORKER``: gw0, gw1…) gets files of
its own under ``VAR_DIR`` (mail, the filesystem broker, exports) and a Redis database of its
own (the next numbers after ``REDIS_URL``'s); pytest-django gives each its own PostgreSQL
test database. Workers a test starts inherit them through the environment."""

import os
from urllib.parse import urlsplit, urlunsplit

_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
# Once per worker: a process it starts (a Celery worker) inherits the result as it is.
if _WORKER and os.environ.get("TEST_SETTINGS_WORKER") != _WORKER:
    os.environ["TEST_SETTINGS_WORKER"] = _WORKER
    _n = int(_WORKER.removeprefix("gw"))
    os.environ["VAR_DIR"] = os.path.join(os.environ.get("VAR_DIR", "var/test"), _WORKER)
    if os.environ.get("REDIS_URL"):
        _url = urlsplit(os.environ["REDIS_URL"])
        _db = int(_url.path.strip("/") or 0) + _n
        os.environ["REDIS_URL"] = urlunsplit(_url._replace(path=f"/{_db}"))

from school.settings import *  # noqa: E402, F403
from school.settings import INSTALLED_APPS, MIDDLEWARE  # noqa: E402

INSTALLED_APPS = [*INSTALLED_APPS, "zeal"]
# Requests served by the browser tests' live server run in threads of their own.
MIDDLEWARE = [*MIDDLEWARE, "zeal.middleware.zeal_middleware"]
ZEAL_RAISE = True
ZEAL_SHOW_ALL_CALLERS = True
ZEAL_ALLOWLIST = [
    # taggit's ``tags.set()`` looks each tag, and its link to the object, up by name before
    # it creates the missing ones: one lookup per tag of the log or circle being saved, a
    # handful at most (the tag rule caps them), never per row of a page.
    {"model": "taggit.Tag", "field": "get()"},
    {"model": "taggit.TaggedItem", "field": "get()"},
    # The admin's raw-id widget labels each inline row's member with a lookup of its own
    # (Django's ForeignKeyRawIdWidget); a circle's inline lists at most its capacity.
    {"model": "members.User", "field": "get()"},
    # Django's admin looks content types up one at a time (then keeps them in its cache) on
    # a user's page: a handful per page, not per member.
    {"model": "contenttypes.ContentType", "field": "get()"},
    # allauth's email confirmation looks the address up twice in the one request.
    {"model": "account.EmailAddress", "field": "get()"},
    # The profile services read the member's profile afresh (not the instance the view's
    # form changed): the same row twice in one request, never once per row.
    {"model": "members.Profile", "field": "get()"},
]
