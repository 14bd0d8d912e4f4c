from django.apps import AppConfig


class FacilitationConfig(AppConfig):
    name = "facilitation"
    verbose_name = "Facilitation: moderation and circle health"

    def ready(self):
        from circles import extensions, signals
        from facilitation import receivers, selectors

        for name in ("join_request_decided", "invite_created", "invite_revoked"):
            getattr(signals, name).connect(getattr(receivers, name), dispatch_uid=name)
        extensions.open_reports.provide(selectors.open_reports)
