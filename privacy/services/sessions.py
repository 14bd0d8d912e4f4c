"""Signing a member out everywhere: delete every stored session that holds her id.

With database-backed sessions (``db``, ``cached_db``) the table is read and each of her
sessions is deleted through the configured engine, so a ``cached_db`` copy in the cache
goes too. A cache-only engine cannot be listed; there her sessions end because her account
is made inactive at once (Django's auth backends load no inactive user from a session)
and is then deleted."""

from importlib import import_module

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.utils import timezone

DB_ENGINES = ("django.contrib.sessions.backends.db", "django.contrib.sessions.backends.cached_db")


def sessions_end(*, user_id: int) -> int:
    if settings.SESSION_ENGINE not in DB_ENGINES:
        return 0
    store = import_module(settings.SESSION_ENGINE).SessionStore
    ended = 0
    live = Session.objects.filter(expire_date__gt=timezone.now())
    for session in live.iterator(chunk_size=500):
        if session.get_decoded().get(SESSION_KEY) == str(user_id):
            store(session_key=session.session_key).delete()
            ended += 1
    return ended
