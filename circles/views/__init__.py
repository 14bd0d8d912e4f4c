"""Circle pages. ``circles.py``: directory, public page, joining and membership
decisions. ``logs.py``: action logs, responses, dashboard and "my logs"."""
