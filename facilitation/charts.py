"""Accessible bar charts drawn on the server as SVG: no JavaScript, nothing from elsewhere.

The SVG is an image with a title and a description (``role="img"``, ``aria-labelledby``),
every bar carries its number as text, and pages show a table with the same numbers beside
it (``templates/facilitation/_bar_chart.html``).
"""

from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

WIDTH = 640
HEIGHT = 240
TOP = 24
BOTTOM = 40
LEFT = 8
RIGHT = 8


@dataclass(frozen=True)
class BarChart:
    """A bar chart of labelled counts."""

    id: str
    title: str
    description: str
    labels: list[str]
    values: list[int]
    label_heading: str = "Week starting"
    value_heading: str = "Logs"

    @property
    def rows(self) -> list[tuple[str, int]]:
        return list(zip(self.labels, self.values, strict=True))

    def svg(self) -> SafeString:
        count = max(len(self.values), 1)
        top_value = max([*self.values, 1])
        plot_height = HEIGHT - TOP - BOTTOM
        slot = (WIDTH - LEFT - RIGHT) / count
        bar_width = slot * 0.7
        bars = []
        for i, (label, value) in enumerate(self.rows):
            height = round(plot_height * value / top_value, 1)
            x = round(LEFT + i * slot + (slot - bar_width) / 2, 1)
            y = round(TOP + plot_height - height, 1)
            middle = round(LEFT + i * slot + slot / 2, 1)
            bars.append(
                (
                    x,
                    y,
                    round(bar_width, 1),
                    height,
                    middle,
                    round(y - 6, 1),
                    value,
                    middle,
                    HEIGHT - BOTTOM + 18,
                    label,
                )
            )
        body = format_html_join(
            "",
            '<g class="bar"><rect x="{}" y="{}" width="{}" height="{}"></rect>'
            '<text class="bar-value" x="{}" y="{}" text-anchor="middle">{}</text>'
            '<text class="bar-label" x="{}" y="{}" text-anchor="middle">{}</text></g>',
            bars,
        )
        return format_html(
            '<svg class="bar-chart" id="{id}" role="img" viewBox="0 0 {w} {h}" '
            'preserveAspectRatio="xMidYMid meet" aria-labelledby="{id}-title {id}-desc" '
            'xmlns="http://www.w3.org/2000/svg">'
            '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>'
            '<line class="axis" x1="{left}" y1="{base}" x2="{right}" y2="{base}"></line>'
            "{body}</svg>",
            id=self.id,
            w=WIDTH,
            h=HEIGHT,
            title=self.title,
            desc=self.description,
            left=LEFT,
            right=WIDTH - RIGHT,
            base=HEIGHT - BOTTOM,
            body=body,
        )


def weekly_logs_chart(health) -> BarChart:
    labels = [monday.strftime("%-d %b") for monday in health.weeks]
    values = list(health.logs_per_week)
    total = sum(values)
    busiest = max(values) if values else 0
    description = (
        f"Logs published each week over the last {len(values)} weeks, "
        f"from the week starting {health.weeks[0]:%-d %B %Y}: {total} in all, "
        f"at most {busiest} in one week. "
        + "; ".join(f"{label}: {value}" for label, value in zip(labels, values, strict=True))
        + "."
    )
    return BarChart(
        id="logs-per-week",
        title=f"Logs per week, last {len(values)} weeks",
        description=description,
        labels=labels,
        values=values,
    )


def kinds_chart(health) -> BarChart:
    labels = [label for label, _ in health.responses_by_kind]
    values = [value for _, value in health.responses_by_kind]
    description = "Responses written in the period, by kind: " + "; ".join(
        f"{label}: {value}" for label, value in health.responses_by_kind
    )
    return BarChart(
        id="responses-by-kind",
        title="Responses by kind",
        description=description,
        labels=labels,
        values=values,
        label_heading="Kind",
        value_heading="Responses",
    )
