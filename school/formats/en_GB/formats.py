"""Dates and times as the school writes them everywhere (the admin included): British
dates with 24-hour times, "7 Dec 2026, 16:18" rather than Django's "4:18 p.m."."""

TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j M Y, H:i"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
