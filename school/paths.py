"""Paths reversed once per process: a page of cards, the header on every page and a batch
of emails link to the same few pages thousands of times, and ``reverse()`` costs tens of
microseconds a call. Keyed by the script prefix they were reversed under; forgotten when
the URLconf changes (tests that override it)."""

from functools import lru_cache

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, reverse


@lru_cache(maxsize=8192)
def _reversed(prefix: str, name: str, kwargs: tuple) -> str:
    return reverse(name, kwargs=dict(kwargs) or None)


def reversed_path(name: str, **kwargs) -> str:
    """``reverse(name, kwargs=kwargs)``, worked out once per process."""
    return _reversed(get_script_prefix(), name, tuple(sorted(kwargs.items())))


@receiver(setting_changed)
def _forget(*, setting, **_kwargs) -> None:
    if setting == "ROOT_URLCONF":
        _reversed.cache_clear()
