# Fixtures shared by the circles tests. ``world`` (one circle with every kind of visitor, a
# published log, a draft and a response) lives in logs_world.py.
from tests.circles.logs_world import world  # noqa: F401
