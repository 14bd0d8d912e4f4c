from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = "Search"

    def ready(self):
        from circles import extensions
        from search.related import lessons_related

        extensions.lessons_related.provide(lessons_related)
