"""Settings for ``make bench``: the school's own settings, plus a bare view to compare with.

The bare view lives only in ``benchmarks.urls``; the product's URLconf never has it.
"""

from school.settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks.urls"
# The in-process query counts use Django's test client.
ALLOWED_HOSTS = [*ALLOWED_HOSTS, "testserver"]  # noqa: F405
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
