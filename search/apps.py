import logging

from django.apps import AppConfig
from django.db.models.signals import post_migrate

logger = logging.getLogger(__name__)


def _triggers_ensure(sender, using, **kwargs) -> None:
    from django.db import connections

    from search import sql

    if sql.ensure_installed(connections[using]):
        logger.warning("Search triggers were missing after migrate: installed and re-indexed.")


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = "Search"

    def ready(self):
        from circles import extensions
        from search.related import lessons_related

        extensions.lessons_related.provide(lessons_related)
        post_migrate.connect(_triggers_ensure, sender=self, dispatch_uid="search_triggers")
