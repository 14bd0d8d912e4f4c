from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "privacy"
    verbose_name = "Privacy: exports and erasures"

    def ready(self):
        from privacy import tasks  # noqa: F401 (registers the tasks)
