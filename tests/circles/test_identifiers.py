"""The identifier check run before text leaves a circle (commons lessons, NMC accounts)."""

from datetime import date

import pytest

from circles.identifiers import circle_names_for, identifiers_find, nhs_number_is_valid
from circles.models import MembershipState
from tests.factories import CircleFactory, MembershipFactory, ProfileFactory


def kinds(text, **kwargs):
    return [(finding.kind, finding.text) for finding in identifiers_find(text, **kwargs)]


@pytest.mark.parametrize(
    ("digits", "valid"),
    [
        ("9434765919", True),  # the NHS's own example number
        ("4010232137", True),
        ("9434765918", False),  # last digit off by one
        ("1234567890", False),  # check digit would be 10: never issued
    ],
)
def test_nhs_numbers_pass_only_with_the_modulus_11_check(digits, valid):
    assert nhs_number_is_valid(digits) is valid


def test_finds_nhs_numbers_written_together_or_grouped():
    text = "Mrs B (943 476 5919) and 4010232137; reference 9434765918 is not one."
    assert kinds(text) == [("nhs_number", "943 476 5919"), ("nhs_number", "4010232137")]


def test_finds_emails_and_phone_numbers_but_not_ordinary_figures():
    text = (
        "Call 07700 900123 or +44 20 7946 0000, or write to jo.bloggs@nhs.net. "
        "We saw 12 patients in 2025 and cut waits by 20 minutes."
    )
    assert kinds(text) == [
        ("phone", "07700 900123"),
        ("phone", "+44 20 7946 0000"),
        ("email", "jo.bloggs@nhs.net"),
    ]


def test_dates_of_birth_by_age_or_by_cue_but_not_recent_work_dates():
    recent = date.today().replace(day=1).strftime("%d/%m/%Y")
    text = (
        f"Born 03/11/1948, admitted on {recent}. Her son (DOB: 2 March 2016) visited. "
        "Audit ran 2024-01-05."
    )
    assert kinds(text) == [
        ("date_of_birth", "03/11/1948"),
        ("date_of_birth", "2 March 2016"),
    ]


def test_names_whole_or_by_capitalised_part():
    text = "I asked priya shah, then Priya again; Shahid and a shah (the title) stayed out."
    assert kinds(text, names=["Priya Shah", "Al"]) == [
        ("name", "priya shah"),
        ("name", "Priya"),
    ]


def test_an_nhs_number_is_not_reported_again_as_a_phone_number():
    assert kinds("0434765912 and 943-476-5919") == [
        ("phone", "0434765912"),
        ("nhs_number", "943-476-5919"),
    ]


def test_findings_carry_a_label_and_the_place_in_the_text():
    text = "Email ann@example.org today"
    [finding] = identifiers_find(text)
    assert finding.label == "Email address"
    assert text[finding.start : finding.end] == "ann@example.org"


@pytest.mark.django_db
def test_circle_names_are_her_active_colleagues_only():
    ward, council = CircleFactory(), CircleFactory()
    me = ProfileFactory(display_name="Me Myself").user
    MembershipFactory(member=me, circle=ward)
    MembershipFactory(member=ProfileFactory(display_name="Sam Colleague").user, circle=ward)
    MembershipFactory(
        member=ProfileFactory(display_name="Rita Requester").user,
        circle=ward,
        state=MembershipState.PENDING,
    )
    MembershipFactory(member=ProfileFactory(display_name="Otto Other").user, circle=council)
    former = CircleFactory()
    MembershipFactory(member=me, circle=former, state=MembershipState.REMOVED)
    MembershipFactory(member=ProfileFactory(display_name="Fay Former").user, circle=former)

    assert circle_names_for(me) == ["Sam Colleague"]
