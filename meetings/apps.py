from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = "Circle meetings"

    def ready(self):
        from circles import extensions
        from meetings import selectors

        extensions.with_next_meeting.provide(selectors.with_next_meeting)
