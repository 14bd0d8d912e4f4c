"""Signed-in sessions name the backend that signed them in; the backends moved to
members.auth (they read the profile with the user). Rewrite the stored sessions so nobody
is signed out by the move."""

from django.contrib.auth import BACKEND_SESSION_KEY
from django.db import migrations

MOVED = {
    "django.contrib.auth.backends.ModelBackend": "members.auth.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend": "members.auth.AuthenticationBackend",
}


def _rename(apps, mapping: dict) -> None:
    from django.contrib.sessions.backends.db import SessionStore

    Session = apps.get_model("sessions", "Session")
    store = SessionStore()
    for session in Session.objects.iterator():
        data = store.decode(session.session_data)
        path = data.get(BACKEND_SESSION_KEY)
        if path in mapping:
            data[BACKEND_SESSION_KEY] = mapping[path]
            Session.objects.filter(pk=session.pk).update(session_data=store.encode(data))


def forwards(apps, schema_editor):
    _rename(apps, MOVED)


def backwards(apps, schema_editor):
    _rename(apps, {new: old for old, new in MOVED.items()})


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0004_profile_introduction_and_privacy"),
        ("sessions", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
