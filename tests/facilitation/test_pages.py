"""The facilitators' list pages run a fixed number of queries, and the services refuse bad
input with a clear message and change nothing."""

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from circles.models import Circle
from facilitation import services
from facilitation.models import ModerationAction, ModerationVerb
from tests.factories import ActionLogFactory, LessonFactory, MembershipFactory, ResponseFactory

pytestmark = pytest.mark.django_db

# user with profile (members.auth), circle, the facilitator's membership, 2 queue counts
# (the session from the cache)
BASE = 7  # with the bell


def _grow(world, n):
    for i in range(n):
        membership = MembershipFactory(circle=world.circle)
        log = ActionLogFactory(circle=world.circle, author=membership.member, title=f"Grown {i}")
        ResponseFactory(log=log, author=world.author)
        services.log_flag_set(actor=world.facilitator, log=log, flag="pin")
        services.content_hide(actor=world.facilitator, log=log, reason=f"Reason {i}")
        LessonFactory(source_log=log, credit="name" if i % 2 else "role_region")


@pytest.mark.parametrize(
    ("page", "extra"),
    [
        ("members", 1),  # active memberships with profiles
        ("audit", 2),  # count for the paginator, the page of actions with actors
        ("logs", 2),  # count for the paginator, the page of logs with authors and counts
        ("lessons", 2),  # count for the paginator, the page of lessons with roles and authors
    ],
)
def test_list_pages_query_count_does_not_grow(
    client, world, django_assert_num_queries, page, extra
):
    client.force_login(world.facilitator)
    LessonFactory(source_log=world.log)
    url = reverse(f"facilitation:{page}", args=[world.circle.slug])
    for n in (0, 12):
        _grow(world, n)
        cache.clear()  # the bell's count is read each time, not from the cache
        with django_assert_num_queries(BASE + extra):
            assert client.get(url).status_code == 200
    assert ModerationAction.objects.filter(circle=world.circle).count() > 20


def test_logs_page_shows_flags_and_reports(client, world):
    services.log_flag_set(actor=world.facilitator, log=world.log, flag="pin")
    client.force_login(world.facilitator)
    page = client.get(reverse("facilitation:logs", args=[world.circle.slug])).content.decode()
    assert "Handover huddle" in page and ">pinned<" in page and "Unpin" in page


def test_settings_refuses_request_policy_without_a_question(client, world):
    client.force_login(world.facilitator)
    response = client.post(
        reverse("facilitation:settings", args=[world.circle.slug]),
        {"name": "N", "purpose": "P", "join_policy": "request", "entry_question": " ",
         "capacity": "12", "rhythm_weekday": "0", "tags": ""},
    )  # fmt: skip
    assert response.status_code == 200
    assert "need an entry question" in response.content.decode()
    circle = Circle.objects.get(pk=world.circle.pk)
    assert circle.join_policy == "open" and circle.name == "Ward managers North"
    assert not ModerationAction.objects.filter(verb=ModerationVerb.EDIT_CIRCLE).exists()


def test_refused_settings_page_shows_the_circle_as_saved(client, world):
    """The form's errors show beside the typed values; the heading and title keep the
    circle's saved name until the change is saved."""
    client.force_login(world.facilitator)
    response = client.post(
        reverse("facilitation:settings", args=[world.circle.slug]),
        {"name": "Renamed circle", "purpose": "P", "join_policy": "open", "entry_question": "",
         "capacity": "1", "rhythm_weekday": "0", "tags": ""},
    )  # fmt: skip
    assert response.status_code == 200
    page = response.content.decode()
    assert "<title>Settings — Ward managers North" in page
    assert 'value="Renamed circle"' in page
    assert Circle.objects.get(pk=world.circle.pk).name == "Ward managers North"


def test_refused_settings_say_each_problem_once(client, world):
    """Once in the error summary, once beside its field."""
    client.force_login(world.facilitator)
    response = client.post(
        reverse("facilitation:settings", args=[world.circle.slug]),
        {"name": "N", "purpose": "P", "join_policy": "request", "entry_question": " ",
         "capacity": "12", "rhythm_weekday": "0", "tags": ""},
    )  # fmt: skip
    assert response.content.decode().count("need an entry question") == 2


def test_saving_unchanged_settings_records_nothing(client, world):
    client.force_login(world.facilitator)
    form = client.get(reverse("facilitation:settings", args=[world.circle.slug])).context["form"]
    data = {name: form[name].value() for name in form.fields}
    data = {k: ("" if v is None else v) for k, v in data.items()}
    response = client.post(reverse("facilitation:settings", args=[world.circle.slug]), data)
    assert response.status_code == 302
    assert not ModerationAction.objects.filter(verb=ModerationVerb.EDIT_CIRCLE).exists()


def test_services_check_powers_themselves(world):
    with pytest.raises(PermissionDenied):
        services.log_flag_set(actor=world.member, log=world.log, flag="pin")
    with pytest.raises(PermissionDenied):
        services.content_hide(actor=world.other_facilitator, log=world.log, reason="x")
    with pytest.raises(PermissionDenied):
        services.circle_archive(actor=world.demoted_facilitator, circle=world.circle, reason="x")


def test_services_refuse_bad_input(world):
    with pytest.raises(ValidationError):
        services.content_hide(actor=world.facilitator, log=world.log, reason="   ")
    services.log_flag_set(actor=world.facilitator, log=world.log, flag="lock")
    with pytest.raises(ValidationError):
        services.log_flag_set(actor=world.facilitator, log=world.log, flag="lock")  # already locked
    with pytest.raises(ValidationError):
        services.member_remove(
            actor=world.facilitator,
            membership=world.circle.memberships.get(member=world.facilitator),
            reason="myself",
        )
    services.circle_archive(actor=world.facilitator, circle=world.circle, reason="Pilot over")
    with pytest.raises(ValidationError):
        services.circle_archive(actor=world.facilitator, circle=world.circle, reason="again")
    with pytest.raises(ValidationError):
        services.circle_update(
            actor=world.facilitator, circle=world.circle, data={"purpose": "Changed"}
        )
    assert Circle.objects.get(pk=world.circle.pk).purpose != "Changed"
