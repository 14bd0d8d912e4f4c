from django.apps import AppConfig


class RecordConfig(AppConfig):
    name = "record"
    verbose_name = "Learning record"
