"""The circle health page as a CSV file: (section, name, value) rows, dates and times on
the reader's clock (the time zone ``TimeZoneMiddleware`` activates)."""

import csv

from django.utils import timezone

from facilitation.selectors import Health
from school.spreadsheets import csv_cell


def health_filename(figures: Health) -> str:
    stamp = timezone.localdate(figures.now).isoformat()
    return f"{figures.circle.slug}-health-{stamp}.csv"


def health_csv_write(figures: Health, stream) -> None:
    """Write the header and every row to ``stream`` (a file or an ``HttpResponse``)."""
    writer = csv.writer(stream)
    writer.writerow(["section", "name", "value"])
    for row in health_rows(figures):
        writer.writerow([csv_cell(cell) for cell in row])


def health_rows(figures: Health) -> list[tuple[str, str, object]]:
    """The figures of the health page as (section, name, value) rows: the CSV. Dates and
    times are on the reader's clock (the time zone ``TimeZoneMiddleware`` activates)."""
    rate = figures.response_rate_percent
    rows: list[tuple[str, str, object]] = [
        ("summary", "circle", figures.circle.name),
        ("summary", "as of", timezone.localtime(figures.now).isoformat(timespec="minutes")),
        ("summary", "window starts", figures.window_start.isoformat()),
        ("summary", "active members", figures.active_members),
        ("summary", "logs in window", figures.logs_in_window),
        ("summary", "logs that got a response", figures.logs_answered),
        ("summary", "response rate (%)", "" if rate is None else rate),
        (
            "summary",
            "median hours to first response",
            "" if figures.median_hours is None else figures.median_hours,
        ),
        ("summary", "silent members (3 weeks or more)", figures.silent_count),
        ("summary", "unanswered logs", figures.unanswered_count),
    ]
    rows += [("logs per week", monday.isoformat(), n) for monday, n in figures.weekly]
    rows += [
        ("responses per week", monday.isoformat(), n) for monday, n in figures.weekly_responses
    ]
    rows += [("responses by kind", label, n) for label, n in figures.responses_by_kind]
    rows += [
        (
            "silent member",
            m.name,
            timezone.localdate(m.last_active_at).isoformat() if m.last_active_at else "never",
        )
        for m in figures.silent_members
    ]
    rows += [
        ("unanswered log", log.title, timezone.localdate(log.published_at).isoformat())
        for log in figures.unanswered_logs
    ]
    return rows
