"""Action logs: the services directly, and every log page and action through the real
views for every kind of visitor (allowed, or refused with nothing changed)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from circles.models import ActionLog, CircleStatus, LogState, MembershipState
from circles.services.logs import log_create, log_publish, log_update
from tests.circles.helpers import WHO, db_state, is_login_redirect, log_post_data, sign_in
from tests.factories import ActionLogFactory, CircleFactory, MembershipFactory

pytestmark = pytest.mark.django_db

DATA = {
    "title": "Protected mealtimes",
    "situation": "Patients miss meals during ward rounds.",
    "action": "Moved the round by 30 minutes.",
    "prediction": "Fewer missed meals.",
    "outcome": "",
    "insight": "",
    "next_step": "Ask the kitchen to log missed trays.",
    "next_step_due": datetime.date.today() + datetime.timedelta(days=14),
    "ask": "",
}


# --- services -------------------------------------------------------------------------------


def test_log_create_saves_a_draft_with_tags(world):
    log = log_create(author=world.member, circle=world.circle, data=DATA, tags=["meals", "rounds"])
    assert log.state == LogState.DRAFT and log.published_at is None
    assert sorted(t.name for t in log.tags.all()) == ["meals", "rounds"]
    assert log.prediction_html.strip() == "<p>Fewer missed meals.</p>"


def test_log_create_can_publish_at_once(world):
    log = log_create(author=world.member, circle=world.circle, data=DATA, tags=[], publish=True)
    assert log.state == LogState.PUBLISHED and log.published_at is not None


@pytest.mark.parametrize("who", ["non_member", "pending", "other_facilitator", "staff"])
def test_log_create_refuses_people_who_cannot_post(world, who):
    before = db_state()
    with pytest.raises(PermissionDenied):
        log_create(author=getattr(world, who), circle=world.circle, data=DATA, tags=["x"])
    assert db_state() == before


def test_log_create_refuses_archived_circle(world):
    world.circle.status = CircleStatus.ARCHIVED
    world.circle.save()
    with pytest.raises(PermissionDenied):
        log_create(author=world.member, circle=world.circle, data=DATA, tags=[])


def test_follows_must_be_own_earlier_published_log(world):
    with pytest.raises(ValidationError):
        log_create(author=world.member, circle=world.circle, data=DATA, tags=[], follows=world.log)
    with pytest.raises(ValidationError):
        log_create(
            author=world.author, circle=world.circle, data=DATA, tags=[], follows=world.draft
        )
    follow_up = log_create(
        author=world.author, circle=world.circle, data=DATA, tags=[], follows=world.log
    )
    assert follow_up.follows == world.log
    # A log cannot be made to follow a later log of its own chain (no loops).
    log_publish(author=world.author, log=follow_up)
    with pytest.raises(ValidationError):
        log_update(
            author=world.author, log=world.log, data={}, tags=["handover"], follows=follow_up
        )


def test_follows_may_be_in_another_circle_of_the_author(world):
    MembershipFactory(circle=world.other_circle, member=world.author)
    elsewhere = log_create(
        author=world.author, circle=world.other_circle, data=DATA, tags=[], follows=world.log
    )
    assert elsewhere.follows == world.log


def test_log_update_marks_published_logs_edited_but_not_drafts(world):
    log_update(author=world.author, log=world.draft, data={"title": "Rotas"}, tags=[])
    world.draft.refresh_from_db()
    assert world.draft.title == "Rotas" and world.draft.edited_at is None
    log_update(author=world.author, log=world.log, data={"title": "Huddle v2"}, tags=["handover"])
    world.log.refresh_from_db()
    assert world.log.title == "Huddle v2" and world.log.edited_at is not None


def test_log_update_with_no_change_is_not_edited(world):
    log_update(
        author=world.author, log=world.log, data={"title": world.log.title}, tags=["handover"]
    )
    world.log.refresh_from_db()
    assert world.log.edited_at is None


@pytest.mark.parametrize("who", ["member", "facilitator", "staff"])
def test_only_the_author_updates_or_publishes(world, who):
    before = db_state()
    with pytest.raises(PermissionDenied):
        log_update(author=getattr(world, who), log=world.log, data={"title": "Mine now"}, tags=[])
    with pytest.raises(PermissionDenied):
        log_publish(author=getattr(world, who), log=world.draft)
    assert db_state() == before


def test_too_long_field_saves_nothing(world):
    before = db_state()
    with pytest.raises(ValidationError):
        log_create(
            author=world.member, circle=world.circle, data={**DATA, "title": "x" * 141}, tags=[]
        )
    for name, limit in [("situation", 5000), ("prediction", 3000), ("ask", 2000)]:
        with pytest.raises(ValidationError, match=f"Please keep this to {limit} characters"):
            log_create(
                author=world.member,
                circle=world.circle,
                data={**DATA, name: "x" * (limit + 1)},
                tags=[],
            )
    with pytest.raises(ValidationError):
        log_create(author=world.member, circle=world.circle, data=DATA, tags=["t" * 51])
    assert db_state() == before


# --- views: who may do what -----------------------------------------------------------------

DETAIL = {
    "anonymous": "login",
    "non_member": 404,
    "pending": 404,
    "member": 200,
    "author": 200,
    "other_facilitator": 404,
    "facilitator": 200,
    "staff": 200,
}


@pytest.mark.parametrize("who", WHO)
def test_log_page(client, world, who):
    response = sign_in(client, world.user(who)).get(world.log.get_absolute_url())
    expected = DETAIL[who]
    if expected == "login":
        assert is_login_redirect(response)
    else:
        assert response.status_code == expected
        assert (b"Handover huddle" in response.content) == (expected == 200)


@pytest.mark.parametrize("who", WHO)
def test_drafts_are_private_to_their_author(client, world, who):
    response = sign_in(client, world.user(who)).get(world.draft.get_absolute_url())
    if who == "anonymous":
        assert is_login_redirect(response)
    elif who == "author":
        assert response.status_code == 200 and b"Secret draft about rotas" in response.content
    else:
        assert response.status_code == 404
    # Nobody else sees the draft anywhere either.
    if who not in ("anonymous", "author"):
        for url in (world.circle.get_absolute_url(), reverse("dashboard")):
            assert b"Secret draft" not in client.get(url).content


def test_log_url_must_match_its_circle(client, world):
    MembershipFactory(circle=world.other_circle, member=world.member)
    client.force_login(world.member)
    url = reverse(
        "circles:log_detail", kwargs={"slug": world.other_circle.slug, "pk": world.log.pk}
    )
    assert client.get(url).status_code == 404


CREATE = {
    "anonymous": "login",
    "non_member": 404,
    "pending": 404,
    "member": 302,
    "author": 302,
    "other_facilitator": 404,
    "facilitator": 302,
    "staff": 403,
}


@pytest.mark.parametrize("who", WHO)
def test_log_create_view(client, world, who):
    url = reverse("circles:log_create", kwargs={"slug": world.circle.slug})
    sign_in(client, world.user(who))
    expected = CREATE[who]
    get = client.get(url)
    before = db_state()
    response = client.post(url, log_post_data(publish="1"))
    if expected == "login":
        assert is_login_redirect(get) and is_login_redirect(response)
        assert db_state() == before
    elif expected == 302:
        assert get.status_code == 200
        log = ActionLog.objects.get(title="Safer staffing huddle")
        assert response["Location"] == log.get_absolute_url()
        assert log.author == world.user(who) and log.circle == world.circle
        assert log.state == LogState.PUBLISHED
        assert sorted(t.name for t in log.tags.all()) == ["nights", "staffing"]
    else:
        assert get.status_code == expected and response.status_code == expected
        assert db_state() == before


def test_save_draft_button_saves_a_private_draft(client, world):
    client.force_login(world.member)
    url = reverse("circles:log_create", kwargs={"slug": world.circle.slug})
    response = client.post(url, log_post_data(save="1"))
    log = ActionLog.objects.get(title="Safer staffing huddle")
    assert log.state == LogState.DRAFT
    assert response["Location"] == log.get_absolute_url()
    client.force_login(world.author)
    assert client.get(log.get_absolute_url()).status_code == 404


def test_form_fields_naming_circle_or_author_are_ignored(client, world):
    """The circle comes from the URL and the author is the signed-in user."""
    client.force_login(world.member)
    url = reverse("circles:log_create", kwargs={"slug": world.circle.slug})
    client.post(
        url,
        log_post_data(
            publish="1",
            circle=world.other_circle.pk,
            author=world.author.pk,
            state="published",
            follows=world.log.pk,  # someone else's log
        ),
    )
    assert not ActionLog.objects.filter(title="Safer staffing huddle").exists()  # refused
    client.post(
        url, log_post_data(publish="1", circle=world.other_circle.pk, author=world.author.pk)
    )
    log = ActionLog.objects.get(title="Safer staffing huddle")
    assert (log.circle, log.author, log.follows) == (world.circle, world.member, None)


@pytest.mark.parametrize(
    ("field", "limit"),
    [("title", 140), ("situation", 5000), ("action", 5000), ("prediction", 3000),
     ("outcome", 5000), ("insight", 5000), ("next_step", 2000), ("ask", 2000)],
)  # fmt: skip
def test_length_limits_give_a_clear_message_and_save_nothing(client, world, field, limit):
    client.force_login(world.member)
    url = reverse("circles:log_create", kwargs={"slug": world.circle.slug})
    before = db_state()
    response = client.post(url, log_post_data(**{field: "a" * (limit + 1), "publish": "1"}))
    assert response.status_code == 200
    text = response.content.decode()
    assert f"Please keep this to {limit} characters (it has {limit + 1})." in text
    assert "There is a problem" in text
    assert db_state() == before


def test_too_many_or_too_long_tags_save_nothing(client, world):
    client.force_login(world.member)
    url = reverse("circles:log_create", kwargs={"slug": world.circle.slug})
    before = db_state()
    response = client.post(url, log_post_data(tags=",".join(f"t{i}" for i in range(9))))
    assert "Please use at most 8 tags." in response.content.decode()
    response = client.post(url, log_post_data(tags="x" * 51))
    assert "Please keep each tag to 50 characters" in response.content.decode()
    assert db_state() == before


def test_missing_required_fields_say_so(client, world):
    client.force_login(world.member)
    url = reverse("circles:log_create", kwargs={"slug": world.circle.slug})
    before = db_state()
    response = client.post(url, log_post_data(title="", situation=""))
    assert response.content.decode().count("Please fill this in.") >= 2
    assert db_state() == before


EDIT = {
    "anonymous": "login",
    "non_member": 404,
    "pending": 404,
    "member": 403,
    "author": 302,
    "other_facilitator": 404,
    "facilitator": 403,
    "staff": 403,
}


@pytest.mark.parametrize("who", WHO)
def test_log_edit_view(client, world, who):
    url = reverse("circles:log_edit", kwargs={"slug": world.circle.slug, "pk": world.log.pk})
    sign_in(client, world.user(who))
    get = client.get(url)
    before = db_state()
    response = client.post(url, log_post_data(title="Rewritten", save="1"))
    expected = EDIT[who]
    if expected == "login":
        assert is_login_redirect(get) and is_login_redirect(response)
        assert db_state() == before
    elif expected == 302:
        assert get.status_code == 200
        world.log.refresh_from_db()
        assert world.log.title == "Rewritten" and world.log.edited_at is not None
        page = client.get(world.log.get_absolute_url()).content.decode()
        assert "edited" in page
    else:
        assert get.status_code == expected and response.status_code == expected
        assert db_state() == before


PUBLISH = {
    "anonymous": "login",
    "non_member": 404,
    "pending": 404,
    "member": 404,  # a draft is invisible to everyone but its author
    "author": 302,
    "other_facilitator": 404,
    "facilitator": 404,
    "staff": 404,
}


@pytest.mark.parametrize("who", WHO)
def test_log_publish_view(client, world, who):
    url = reverse("circles:log_publish", kwargs={"slug": world.circle.slug, "pk": world.draft.pk})
    sign_in(client, world.user(who))
    before = db_state()
    assert client.get(url).status_code in (302, 405)  # POST only
    response = client.post(url)
    expected = PUBLISH[who]
    if expected == "login":
        assert is_login_redirect(response) and db_state() == before
    elif expected == 302:
        world.draft.refresh_from_db()
        assert world.draft.state == LogState.PUBLISHED
        # Now the circle sees it.
        client.force_login(world.member)
        assert client.get(world.draft.get_absolute_url()).status_code == 200
    else:
        assert response.status_code == expected and db_state() == before


def test_pending_then_left_member_cannot_edit_old_log(client, world):
    membership = world.author.memberships.get(circle=world.circle)
    membership.state = MembershipState.LEFT
    membership.save()
    client.force_login(world.author)
    url = reverse("circles:log_edit", kwargs={"slug": world.circle.slug, "pk": world.log.pk})
    before = db_state()
    assert client.post(url, log_post_data(title="After leaving")).status_code == 403
    assert db_state() == before


MY_LOGS = {w: (200 if w != "anonymous" else "login") for w in WHO}


@pytest.mark.parametrize("who", WHO)
def test_my_logs_shows_only_my_own_logs(client, world, who):
    response = sign_in(client, world.user(who)).get(reverse("circles:my_logs"))
    if who == "anonymous":
        assert is_login_redirect(response)
        return
    assert response.status_code == 200
    text = response.content.decode()
    assert ("Handover huddle" in text) == (who == "author")
    assert ("Secret draft about rotas" in text) == (who == "author")


def test_my_logs_shows_chains_across_circles(client, world):
    MembershipFactory(circle=world.other_circle, member=world.author)
    second = ActionLogFactory(
        circle=world.other_circle, author=world.author, follows=world.log, title="Huddle, round 2"
    )
    ActionLogFactory(circle=world.circle, author=world.author, follows=second, title="Round 3")
    client.force_login(world.author)
    text = client.get(reverse("circles:my_logs")).content.decode()
    first, two, three = (text.index(t) for t in ("Handover huddle", "Huddle, round 2", "Round 3"))
    assert first < two < three
    assert "Follow-up 1" in text and "Follow-up 2" in text
    assert "City officials" in text  # the circle of the second cycle


def test_follow_up_form_shows_earlier_prediction_and_commitment(client, world):
    world.log.next_step_due = datetime.date(2026, 12, 1)
    world.log.save()
    client.force_login(world.author)
    url = reverse("circles:log_create", kwargs={"slug": world.circle.slug})
    text = client.get(f"{url}?follows={world.log.pk}").content.decode()
    assert "Handover finishes on time three days out of five." in text  # prediction
    assert "Try the board with the weekend team." in text  # next step
    assert "1 Dec 2026" in text
    assert f'<option value="{world.log.pk}" selected>' in text
    # Someone else's log is never shown beside the form.
    client.force_login(world.member)
    text = client.get(f"{url}?follows={world.log.pk}").content.decode()
    assert "Handover finishes on time" not in text


def test_follow_up_log_page_shows_earlier_prediction_and_chain(client, world):
    client.force_login(world.author)
    url = reverse("circles:log_create", kwargs={"slug": world.circle.slug})
    client.post(url, log_post_data(follows=world.log.pk, publish="1", title="Huddle, round 2"))
    follow_up = ActionLog.objects.get(title="Huddle, round 2")
    assert follow_up.follows == world.log
    client.force_login(world.member)
    text = client.get(follow_up.get_absolute_url()).content.decode()
    assert "Handover finishes on time three days out of five." in text
    assert "Try the board with the weekend team." in text
    assert "Follows:" in text and "Handover huddle" in text
    text = client.get(world.log.get_absolute_url()).content.decode()
    assert "Followed by:" in text and "Huddle, round 2" in text


def test_follow_up_in_another_circle_hides_earlier_log_from_outsiders(client, world):
    """A follow-up in circle B never shows circle A's log to B's members."""
    world.log.prediction = "Only ward managers North should read this prediction."
    world.log.save()
    MembershipFactory(circle=world.other_circle, member=world.author)
    b_member = MembershipFactory(circle=world.other_circle).member
    follow_up = ActionLogFactory(
        circle=world.other_circle, author=world.author, follows=world.log, title="Round 2 in B"
    )
    client.force_login(b_member)
    text = client.get(follow_up.get_absolute_url()).content.decode()
    assert "Round 2 in B" in text
    assert "Handover huddle" not in text
    assert "Only ward managers North" not in text
    assert "Following up" not in text


def test_archived_circle_log_is_read_only(client, world):
    world.circle.status = CircleStatus.ARCHIVED
    world.circle.save()
    client.force_login(world.author)
    assert client.get(world.log.get_absolute_url()).status_code == 200
    url = reverse("circles:log_create", kwargs={"slug": world.circle.slug})
    assert client.get(url).status_code == 403
    before = db_state()
    edit = reverse("circles:log_edit", kwargs={"slug": world.circle.slug, "pk": world.log.pk})
    assert client.post(edit, log_post_data()).status_code == 403
    assert db_state() == before


def test_unknown_circle_answers_404(client, world):
    client.force_login(world.member)
    CircleFactory(slug="empty")
    assert client.get(reverse("circles:log_create", kwargs={"slug": "nope"})).status_code == 404


def test_choosing_the_earlier_log_refreshes_the_preview_with_htmx(client, world):
    client.force_login(world.author)
    url = reverse("circles:log_create", kwargs={"slug": world.circle.slug})
    page = client.get(url).content.decode()
    assert f'hx-get="{url}"' in page and 'hx-select=".log-form-aside"' in page
    assert "One turn of the cycle" in page
    partial = client.get(url, {"follows": world.log.pk}, HTTP_HX_REQUEST="true").content.decode()
    assert "Handover finishes on time three days out of five." in partial
    # A pk that is not the writer's own shows nothing of that log.
    client.force_login(world.member)
    partial = client.get(url, {"follows": world.log.pk}, HTTP_HX_REQUEST="true").content.decode()
    assert "Handover finishes on time" not in partial


def test_editing_a_published_log_offers_save_not_publish(client, world):
    client.force_login(world.author)
    url = reverse("circles:log_edit", kwargs={"slug": world.circle.slug, "pk": world.log.pk})
    page = client.get(url).content.decode()
    assert "Save changes" in page and 'name="publish"' not in page
    assert 'value="handover"' in page  # tags come back as text
    draft_url = reverse(
        "circles:log_edit", kwargs={"slug": world.circle.slug, "pk": world.draft.pk}
    )
    client.post(draft_url, log_post_data(title="Rotas, published", publish="1"))
    world.draft.refresh_from_db()
    assert world.draft.state == LogState.PUBLISHED and world.draft.edited_at is None


def test_edit_and_publish_happen_together_or_not_at_all(world):
    """A draft whose chain turns out invalid at publishing keeps its old text too."""
    other = ActionLogFactory(circle=world.circle, author=world.author, title="Earlier")
    world.draft.follows = other
    world.draft.save()
    other.state, other.published_at = LogState.DRAFT, None  # the earlier log went back…
    other.save()
    before = db_state()
    with pytest.raises(ValidationError):
        log_update(
            author=world.author,
            log=world.draft,
            data={"title": "Changed title"},
            tags=[],
            publish=True,
        )
    assert db_state() == before
