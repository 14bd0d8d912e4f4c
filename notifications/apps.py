from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Digests and nudges"

    def ready(self):
        from circles import signals
        from notifications import receivers, tasks  # noqa: F401 (registers the tasks)

        for name in receivers.CONNECTED:
            getattr(signals, name).connect(
                getattr(receivers, name), dispatch_uid=f"notifications.{name}"
            )
        from commons import signals as commons_signals

        for name, receiver in receivers.COMMONS_EVENTS.items():
            getattr(commons_signals, name).connect(receiver, dispatch_uid=name)
