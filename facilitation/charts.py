"""Accessible bar charts drawn on the server as SVG: no JavaScript, nothing from elsewhere.

The SVG is an image with a title and a description (``role="img"``, ``aria-labelledby``),
every bar carries its number as text, and pages show a table with the same numbers beside
it (``templates/facilitation/_bar_chart.html``).

The bars run across, one row of bars per label, and the SVG has no viewBox: positions
along the row are percentages of the chart's width and heights are pixels, so the text
keeps the page's own size at any width (a scaled-down drawing made it unreadable on a
phone).
"""

import math
from dataclasses import dataclass

from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import SafeString

NARROWEST_PX = 288  # the chart's width on a 320px screen
LABEL_CHAR_PX = 8.5  # a generous average width of a label's character at 14px
VALUE_PERCENT = 10  # room for the number after the longest bar
BAR_HEIGHT = 14
BAR_GAP = 3
GROUP_GAP = 12
LEGEND_HEIGHT = 28
LEGEND_ROW = 20  # a line of the legend, when the names go one a line
LEGEND_SLOT_PERCENT = 40  # each name's share of the legend's row
PADDING = 8


@dataclass(frozen=True)
class Series:
    name: str
    values: list[int]


@dataclass(frozen=True)
class BarChart:
    """A bar chart of one or more series of counts, one group of bars per label."""

    id: str
    title: str
    description: str
    labels: list[str]
    series: list[Series]
    label_heading: str = "Week starting"

    @property
    def rows(self) -> list[tuple[str, list[int]]]:
        columns = [s.values for s in self.series]
        return [(label, [c[i] for c in columns]) for i, label in enumerate(self.labels)]

    @property
    def label_percent(self) -> int:
        """The labels' column, on the left: wide enough for the longest label on the
        narrowest screen."""
        longest = max((len(label) for label in self.labels), default=0)
        return min(40, max(16, math.ceil(100 * (LABEL_CHAR_PX * longest + 14) / NARROWEST_PX)))

    @property
    def height(self) -> int:
        return PADDING * 2 + self._legend_height + len(self.labels) * self._group_height

    @property
    def _legend_height(self) -> int:
        if len(self.series) < 2:
            return 0
        if self._legend_stacked:
            return len(self.series) * LEGEND_ROW + LEGEND_HEIGHT - LEGEND_ROW
        return LEGEND_HEIGHT

    @property
    def _legend_stacked(self) -> bool:
        """One name a line when a name would not fit its share of a row on the narrowest
        screen (it would be cut off at the next one or at the edge)."""
        share = NARROWEST_PX * LEGEND_SLOT_PERCENT / 100
        return any(BAR_HEIGHT + 6 + LABEL_CHAR_PX * len(s.name) > share for s in self.series)

    @property
    def _group_height(self) -> int:
        n = len(self.series)
        return n * BAR_HEIGHT + (n - 1) * BAR_GAP + GROUP_GAP

    def _legend(self) -> SafeString:
        if not self._legend_height:
            return SafeString("")
        stacked = self._legend_stacked
        places = [
            (2, PADDING + i * LEGEND_ROW) if stacked else (2 + LEGEND_SLOT_PERCENT * i, PADDING)
            for i in range(len(self.series))
        ]
        return format_html_join(
            "",
            '<rect class="series-{}" x="{}%" y="{}" width="{}" height="{}"></rect>'
            '<text class="legend" x="{}%" dx="{}" y="{}">{}</text>',
            (
                (i, x, y, BAR_HEIGHT, BAR_HEIGHT)
                + (x, BAR_HEIGHT + 6, y + BAR_HEIGHT - 2, series.name)
                for i, (series, (x, y)) in enumerate(zip(self.series, places, strict=True))
            ),
        )

    def svg(self) -> SafeString:
        # Drawn with plain string formatting: every value but the labels is a number
        # worked out here (the labels are escaped), and a chart has hundreds of bars.
        top_value = max([v for s in self.series for v in s.values] + [1])
        left = self.label_percent
        plot = 100 - left - VALUE_PERCENT
        legend, group = self._legend_height, self._group_height
        bars = []
        for row, (label, values) in enumerate(self.rows):
            group_top = PADDING + legend + row * group
            middle = group_top + (group - GROUP_GAP) / 2
            name = conditional_escape(label)
            bars.append(f'<text class="bar-label" x="0" dx="6" y="{middle + 5}">{name}</text>')
            for i, value in enumerate(values):
                y = group_top + i * (BAR_HEIGHT + BAR_GAP)
                count = int(value)
                width = round(plot * count / top_value, 2)
                bars.append(
                    f'<rect class="series-{i}" x="{left}%" y="{y}" width="{width}%"'
                    f' height="{BAR_HEIGHT}"></rect><text class="bar-value series-{i}"'
                    f' x="{round(left + width, 2)}%" dx="4" y="{y + BAR_HEIGHT - 3}">{count}</text>'
                )
        return format_html(
            '<svg class="bar-chart" id="{id}" role="img" width="100%" height="{h}" '
            'aria-labelledby="{id}-title {id}-desc" xmlns="http://www.w3.org/2000/svg">'
            '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>'
            "{legend}"
            '<line class="axis" x1="{left}%" y1="{top}" x2="{left}%" y2="{bottom}"></line>'
            "{bars}</svg>",
            id=self.id,
            h=self.height,
            title=self.title,
            desc=self.description,
            legend=self._legend(),
            left=left,
            top=PADDING + self._legend_height,
            bottom=self.height - PADDING,
            bars=SafeString("".join(bars)),
        )

    def table_body(self) -> SafeString:
        """The rows of the table beside the chart: a header cell with the label, a cell
        for each series' number."""
        return SafeString(
            "".join(
                f'<tr><th scope="row">{conditional_escape(label)}</th>'
                + "".join(f"<td>{int(value)}</td>" for value in values)
                + "</tr>"
                for label, values in self.rows
            )
        )


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def weekly_activity_chart(health) -> BarChart:
    """Logs and responses per week, from the first week of the circle's window."""
    labels = [monday.strftime("%-d %b") for monday in health.weeks]
    logs = list(health.logs_per_week)
    responses = list(health.responses_per_week)
    weeks = len(labels)
    period = "this week" if weeks == 1 else f"last {weeks} weeks"
    description = (
        f"Logs published and responses written each week, {period}, "
        f"from the week starting {health.weeks[0]:%-d %B %Y}: "
        f"{_plural(sum(logs), 'log')} and {_plural(sum(responses), 'response')} in all. "
        + "; ".join(
            f"{label}: {_plural(n_logs, 'log')}, {_plural(n_responses, 'response')}"
            for label, n_logs, n_responses in zip(labels, logs, responses, strict=True)
        )
        + "."
    )
    return BarChart(
        id="activity-per-week",
        title="Logs and responses this week"
        if weeks == 1
        else f"Logs and responses per week, {period}",
        description=description,
        labels=labels,
        series=[Series("Logs", logs), Series("Responses", responses)],
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
        series=[Series("Responses", values)],
        label_heading="Kind",
    )
