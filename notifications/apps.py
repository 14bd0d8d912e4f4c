from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Digests and nudges"

    def ready(self):
        from circles import signals
        from notifications import receivers, tasks  # noqa: F401 (registers the tasks)

        signals.response_posted.connect(receivers.response_posted, dispatch_uid="response_posted")
