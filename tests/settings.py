"""The school's settings, plus N+1 detection (django-zeal): a page, task or email that
loads a relation once per row fails the test that runs it. ``ZEAL_ALLOWLIST`` names the
few per-row loads that are intended, each with its reason."""

from school.settings import *  # noqa: F403
from school.settings import INSTALLED_APPS, MIDDLEWARE

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
