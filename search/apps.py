import logging

from django.apps import AppConfig
from django.db.models.signals import post_migrate, pre_migrate

logger = logging.getLogger(__name__)


def _triggers_ensure(sender, using, **kwargs) -> None:
    from django.db import connections

    from search import sql

    if sql.ensure_installed(connections[using]):
        logger.info("Search triggers installed again after migrate, every row re-indexed.")


def _triggers_drop_on_sqlite(sender, using, plan=None, **kwargs) -> None:
    """SQLite refuses to rebuild a table that another table's trigger reads (the response
    triggers read the logs' table): before migrations run, the search triggers go; after
    them ``_triggers_ensure`` installs them again and re-indexes."""
    from django.db import connections

    from search import sql

    connection = connections[using]
    if connection.vendor == "sqlite" and plan:
        sql.triggers_drop(connection)


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = "Search"

    def ready(self):
        from circles import extensions
        from search.related import lessons_related

        extensions.lessons_related.provide(lessons_related)
        pre_migrate.connect(
            _triggers_drop_on_sqlite, sender=self, dispatch_uid="search_triggers_drop"
        )
        post_migrate.connect(_triggers_ensure, sender=self, dispatch_uid="search_triggers")
