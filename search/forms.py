from django import forms

from circles.models import REPLY, Circle, ResponseKind
from members.forms import RoleFilterField
from search.models import DocumentKind
from search.selectors import Filters

FILTER_NAMES = ("circle", "tag", "role", "kind", "only", "date_from", "date_to")


class SearchForm(forms.Form):
    """The search box and its filters. A filter that is not one of its choices (or not a
    date) is left out and the member told; the search itself still runs."""

    q = forms.CharField(label="Search for", required=False, strip=True)
    only = forms.ChoiceField(
        label="Show",
        required=False,
        choices=[
            ("", "Everything"),
            (DocumentKind.LOG, "Logs"),
            (DocumentKind.RESPONSE, "Responses and replies"),
            (DocumentKind.LESSON, "Commons lessons"),
        ],
    )
    circle = forms.ModelChoiceField(
        label="Circle",
        queryset=Circle.objects.none(),
        required=False,
        to_field_name="slug",
        empty_label="All my circles",
    )
    role = RoleFilterField()
    tag = forms.CharField(label="Tag", required=False, max_length=50, strip=True)
    kind = forms.ChoiceField(
        label="Response kind",
        required=False,
        choices=[("", "Any kind"), *ResponseKind.choices, (REPLY, "Reply")],
    )
    date_from = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        circles = Circle.objects.all() if user.is_staff else Circle.objects.of_member(user)
        self.fields["circle"].queryset = circles.order_by("name")

    def filters(self) -> tuple[Filters, list[str]]:
        """The valid filters, and a sentence for each one left out."""
        self.is_valid()
        data = {name: self.cleaned_data.get(name) for name in FILTER_NAMES}
        notes = [
            f"The filter “{self.fields[name].label}” was left out: {' '.join(errors)}"
            for name, errors in self.errors.items()
            if name in FILTER_NAMES
        ]
        filters = Filters(
            circle=data["circle"],
            tag=(data["tag"] or "").lower(),
            role=data["role"],
            response_kind=data["kind"] or "",
            only=data["only"] or "",
            date_from=data["date_from"],
            date_to=data["date_to"],
        )
        return filters, notes

    def active_filters(self) -> list[tuple[str, str]]:
        """(label, query string without it) for each filter in use."""
        active = []
        for name in FILTER_NAMES:
            if self.data.get(name) and name not in self.errors:
                rest = self.data.copy()
                rest.pop(name)
                rest.pop("page", None)
                active.append((self.fields[name].label, rest.urlencode()))
        return active
