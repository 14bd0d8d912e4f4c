from django.apps import AppConfig
from django.db.models.signals import post_migrate, pre_migrate


def _revision_triggers_drop(using="default", **kwargs):
    from django.db import connections

    from circles import revisions

    revisions.MIGRATING.add(using)
    revisions.sqlite_drop(connections[using])


def _revision_triggers_make(using="default", **kwargs):
    from django.db import connections

    from circles import revisions

    revisions.MIGRATING.discard(using)
    revisions.sqlite_refresh(connections[using])


class CirclesConfig(AppConfig):
    name = "circles"
    verbose_name = "Learning circles"

    def ready(self):
        # SQLite: the revision triggers are made after migrating (circles/revisions.py).
        pre_migrate.connect(_revision_triggers_drop, sender=self)
        post_migrate.connect(_revision_triggers_make, sender=self)
