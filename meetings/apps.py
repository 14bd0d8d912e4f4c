from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = "Circle meetings"

    def ready(self):
        from circles import extensions
        from meetings import selectors

        extensions.next_meeting_for.provide(selectors.next_meeting_for)
