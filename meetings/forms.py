import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from meetings.models import MAX_OCCURRENCES, AgendaItem, Meeting, Occurrence, Repeat
from meetings.recurrence import placed
from meetings.services import count_checked, when_checked
from members.local_time import zone_named
from members.time_zones import time_zone_choices
from school.limits import model_limit
from school.text import FORMATTING_HELP

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class WhenForm(forms.Form):
    """A date with a start and an end time, on the clock of ``zone_name``."""

    start_date = forms.DateField(label="Date", widget=DATE)
    start_time = forms.TimeField(label="Starts at", widget=TIME)
    end_time = forms.TimeField(label="Ends at", widget=TIME)

    def __init__(self, *args, zone_name: str | None = None, now=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.zone_name = zone_name
        self.now = now or timezone.now()

    def _zone(self) -> str:
        return self.cleaned_data.get("time_zone") or self.zone_name

    def clean(self):
        data = super().clean()
        day, start, end = (data.get(k) for k in ("start_date", "start_time", "end_time"))
        zone = self._zone()
        if day is None or start is None or end is None or not zone:
            return data
        data["first_local"] = dt.datetime.combine(day, start)
        # Her length of the meeting, as the wall clock reads it; added as real minutes.
        length = dt.datetime.combine(day, end) - data["first_local"]
        try:
            data["starts_at"] = placed(data["first_local"], zone)
            data["ends_at"] = data["starts_at"] + length
            when_checked(starts_at=data["starts_at"], ends_at=data["ends_at"], now=self.now)
        except ValidationError as error:
            self.add_error(None, error)
        return data

    @property
    def duration_minutes(self) -> int:
        seconds = (self.cleaned_data["ends_at"] - self.cleaned_data["starts_at"]).total_seconds()
        return int(seconds // 60)


class ScheduleForm(WhenForm):
    title = forms.CharField(
        label="Title", max_length=model_limit(Meeting, "title"), initial="Circle meeting"
    )
    time_zone = forms.ChoiceField(
        label="Time zone",
        help_text="The meeting keeps its time on this clock when the clocks change.",
    )
    repeat = forms.ChoiceField(
        label="Repeats", choices=Repeat.choices, initial=Repeat.ONCE, widget=forms.RadioSelect
    )
    count = forms.IntegerField(
        label="How many meetings",
        initial=1,
        help_text=f"For a series: at most {MAX_OCCURRENCES}. Each can be moved or cancelled later.",
    )
    place = forms.CharField(label="Place", max_length=model_limit(Meeting, "place"), required=False)
    online_url = forms.URLField(
        label="Online link",
        max_length=model_limit(Meeting, "online_url"),
        required=False,
        assume_scheme="https",
    )

    field_order = ["title", "start_date", "start_time", "end_time", "time_zone", "repeat", "count"]

    def __init__(self, *args, own_zone: str | None = None, circle_zone: str | None = None, **kw):
        """``own_zone``: the organiser's; ``circle_zone``: the clock the circle meets by."""
        super().__init__(*args, **kw)
        self.fields["time_zone"].choices = time_zone_choices(own=own_zone, keep=circle_zone)
        self.initial.setdefault("time_zone", circle_zone or own_zone)

    def clean_count(self):
        count = self.cleaned_data["count"]
        if self.cleaned_data.get("repeat") == Repeat.ONCE:
            return 1
        try:
            count_checked(count)
        except ValidationError as error:
            raise ValidationError(error.message_dict["count"]) from None
        return count


class MoveForm(WhenForm):
    @classmethod
    def for_occurrence(cls, occurrence: Occurrence, data=None) -> "MoveForm":
        zone = occurrence.meeting.time_zone
        start = occurrence.starts_at.astimezone(zone_named(zone))
        end = occurrence.ends_at.astimezone(zone_named(zone))
        initial = {"start_date": start.date(), "start_time": start.time(), "end_time": end.time()}
        return cls(data, zone_name=zone, initial=initial)


class RsvpForm(forms.Form):
    answer = forms.ChoiceField(choices=[("going", "Going"), ("not_going", "Not going")])


class AttendanceForm(forms.Form):
    present = forms.MultipleChoiceField(
        label="Who came", required=False, widget=forms.CheckboxSelectMultiple
    )
    notes = forms.CharField(
        label="Notes",
        required=False,
        max_length=model_limit(Occurrence, "notes"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=f"Short notes members of the circle will see. {FORMATTING_HELP}",
    )

    def __init__(self, *args, roster=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["present"].choices = [(str(m.pk), m.display_name) for m in roster]

    def member_ids(self) -> list[int]:
        return [int(pk) for pk in self.cleaned_data["present"]]


class AgendaItemForm(forms.Form):
    text = forms.CharField(label="New agenda item", max_length=model_limit(AgendaItem, "text"))
