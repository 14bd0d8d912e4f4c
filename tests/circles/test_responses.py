"""Peer responses: the services directly, and responding, editing and marking helpful
through the real views (plain POST and HTMX) for every kind of visitor."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from circles.models import Response, ResponseKind
from circles.services.responses import response_create, response_mark_helpful, response_update
from tests.circles.helpers import WHO, db_state, is_login_redirect, sign_in
from tests.factories import ActionLogFactory, LogState, ResponseFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def url(world, name, **extra):
    return reverse(
        f"circles:{name}", kwargs={"slug": world.circle.slug, "pk": world.log.pk, **extra}
    )


# --- services -------------------------------------------------------------------------------


def test_response_create_and_update_marks_edited(world):
    response = response_create(
        author=world.facilitator, log=world.log, kind="reflection", body="We tried this **too**."
    )
    assert "<strong>too</strong>" in response.body_html and response.edited_at is None
    response_update(author=world.facilitator, response=response, body="Changed", kind="question")
    response.refresh_from_db()
    assert (response.kind, response.body) == ("question", "Changed")
    assert response.edited_at is not None


@pytest.mark.parametrize("who", ["non_member", "pending", "other_facilitator", "staff"])
def test_response_create_refuses_outsiders(world, who):
    before = db_state()
    with pytest.raises(PermissionDenied):
        response_create(author=getattr(world, who), log=world.log, kind="question", body="Hi?")
    assert db_state() == before


def test_no_responses_to_drafts_or_locked_logs(world):
    with pytest.raises(PermissionDenied):
        response_create(author=world.member, log=world.draft, kind="question", body="Hi?")
    world.log.locked_at = timezone.now()
    world.log.save()
    with pytest.raises(PermissionDenied):
        response_create(author=world.member, log=world.log, kind="question", body="Hi?")


def test_response_service_validates(world):
    before = db_state()
    with pytest.raises(ValidationError):
        response_create(author=world.member, log=world.log, kind="rant", body="Hi?")
    with pytest.raises(ValidationError):
        response_create(author=world.member, log=world.log, kind="question", body="x" * 5001)
    assert db_state() == before


def test_only_the_log_author_marks_helpful(world):
    with pytest.raises(PermissionDenied):
        response_mark_helpful(actor=world.member, response=world.response)
    with pytest.raises(PermissionDenied):
        response_mark_helpful(actor=world.facilitator, response=world.response)
    response_mark_helpful(actor=world.author, response=world.response)
    world.response.refresh_from_db()
    assert world.response.helpful_at is not None
    response_mark_helpful(actor=world.author, response=world.response, helpful=False)
    world.response.refresh_from_db()
    assert world.response.helpful_at is None


def test_author_cannot_mark_own_answer_helpful(world):
    own = ResponseFactory(log=world.log, author=world.author, kind="reflection")
    with pytest.raises(PermissionDenied):
        response_mark_helpful(actor=world.author, response=own)


# --- views ----------------------------------------------------------------------------------

CREATE = {
    "anonymous": "login",
    "non_member": 404,
    "pending": 404,
    "member": 302,
    "author": 403,  # answers questions on their own log with replies
    "other_facilitator": 404,
    "facilitator": 302,
    "staff": 403,  # staff may read every circle but only members respond
}


@pytest.mark.parametrize("who", WHO)
def test_response_create_view(client, world, who):
    sign_in(client, world.user(who))
    before = db_state()
    response = client.post(url(world, "response_create"), {"kind": "question", "body": "Why 10?"})
    expected = CREATE[who]
    if expected == "login":
        assert is_login_redirect(response) and db_state() == before
    elif expected == 302:
        new = Response.objects.get(body="Why 10?")
        assert (new.author, new.log, new.kind) == (world.user(who), world.log, "question")
        assert response["Location"] == world.log.get_absolute_url() + f"#response-{new.pk}"
    else:
        assert response.status_code == expected and db_state() == before


def test_response_create_on_a_draft_is_404_for_others_and_403_for_author(client, world):
    target = reverse(
        "circles:response_create", kwargs={"slug": world.circle.slug, "pk": world.draft.pk}
    )
    before = db_state()
    client.force_login(world.member)
    assert client.post(target, {"kind": "question", "body": "?"}).status_code == 404
    client.force_login(world.author)
    assert client.post(target, {"kind": "question", "body": "?"}).status_code == 403
    assert db_state() == before


def test_response_create_with_htmx_returns_list_and_cleared_form(client, world):
    client.force_login(world.facilitator)
    response = client.post(
        url(world, "response_create"),
        {"kind": "suggestion", "body": "Try a *visual* board."},
        **HTMX,
    )
    assert response.status_code == 200
    html = response.content.decode()
    new = Response.objects.get(body="Try a *visual* board.")
    assert f'id="response-{new.pk}"' in html and "<em>visual</em>" in html
    assert 'id="responses"' in html
    assert 'id="response-form" hx-swap-oob="true"' in html
    assert "Try a *visual* board." not in html  # the form came back empty
    # Questions still first: the existing question precedes the new suggestion.
    assert html.index(f'id="response-{world.response.pk}"') < html.index(f'id="response-{new.pk}"')
    assert "Suggestions: 1" in html or "Suggestion: 1" in html


def test_invalid_response_explains_and_saves_nothing(client, world):
    client.force_login(world.member)
    before = db_state()
    response = client.post(url(world, "response_create"), {"kind": "question", "body": ""})
    assert (
        response.status_code == 200 and "Please write your response." in response.content.decode()
    )
    response = client.post(
        url(world, "response_create"), {"kind": "question", "body": "x" * 5001}, **HTMX
    )
    text = response.content.decode()
    assert "Please keep your response to 5000 characters (it has 5001)." in text
    assert response["HX-Retarget"] == "#response-form"
    response = client.post(url(world, "response_create"), {"kind": "advice", "body": "Hi"})
    assert "Select a valid choice" in response.content.decode()
    assert db_state() == before


EDIT = {
    "anonymous": "login",
    "non_member": 404,
    "pending": 404,
    "member": 302,  # the response's author
    "author": 403,  # the log's author cannot rewrite a peer's response
    "other_facilitator": 404,
    "facilitator": 403,
    "staff": 403,
}


@pytest.mark.parametrize("who", WHO)
def test_response_edit_view(client, world, who):
    target = url(world, "response_edit", rpk=world.response.pk)
    sign_in(client, world.user(who))
    get = client.get(target)
    before = db_state()
    response = client.post(target, {"kind": "reflection", "body": "Rewritten"})
    expected = EDIT[who]
    if expected == "login":
        assert is_login_redirect(get) and is_login_redirect(response)
        assert db_state() == before
    elif expected == 302:
        assert get.status_code == 200 and "What did nights think?" in get.content.decode()
        world.response.refresh_from_db()
        assert world.response.body == "Rewritten" and world.response.edited_at is not None
        page = client.get(world.log.get_absolute_url()).content.decode()
        assert "Rewritten" in page and "edited" in page
    else:
        assert get.status_code == expected and response.status_code == expected
        assert db_state() == before


HELPFUL = {
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
def test_response_helpful_view(client, world, who):
    target = url(world, "response_helpful", rpk=world.response.pk)
    sign_in(client, world.user(who))
    before = db_state()
    response = client.post(target, {"helpful": "1"})
    expected = HELPFUL[who]
    if expected == "login":
        assert is_login_redirect(response) and db_state() == before
    elif expected == 302:
        world.response.refresh_from_db()
        assert world.response.helpful_at is not None
    else:
        assert response.status_code == expected and db_state() == before


def test_helpful_with_htmx_swaps_the_response(client, world):
    client.force_login(world.author)
    target = url(world, "response_helpful", rpk=world.response.pk)
    html = client.post(target, {"helpful": "1"}, **HTMX).content.decode()
    assert html.lstrip().startswith(f'<li id="response-{world.response.pk}"')
    assert "Helpful" in html and "Unmark helpful" in html
    html = client.post(target, {"helpful": "0"}, **HTMX).content.decode()
    world.response.refresh_from_db()
    assert world.response.helpful_at is None and "Mark helpful" in html


def test_hidden_response_is_only_for_its_author_and_facilitators(client, world):
    world.response.is_hidden = True
    world.response.hidden_reason = "Unkind"
    world.response.save()
    client.force_login(world.author)
    assert "What did nights think?" not in client.get(world.log.get_absolute_url()).content.decode()
    for who in ("member", "facilitator"):
        client.force_login(getattr(world, who))
        text = client.get(world.log.get_absolute_url()).content.decode()
        assert "What did nights think?" in text and "Hidden by a facilitator" in text


def test_log_page_lists_questions_first_with_counts(client, world):
    ResponseFactory(log=world.log, kind=ResponseKind.SUGGESTION, body="Suggest A")
    ResponseFactory(log=world.log, kind=ResponseKind.REFLECTION, body="Reflect B")
    ResponseFactory(log=world.log, kind=ResponseKind.QUESTION, body="Question C")
    ResponseFactory(log=world.log, kind=ResponseKind.RESOURCE, body="Resource D")
    client.force_login(world.member)
    text = client.get(world.log.get_absolute_url()).content.decode()
    order = [text.index(b) for b in ("What did nights think?", "Question C", "Reflect B",
                                     "Resource D", "Suggest A")]  # fmt: skip
    assert order == sorted(order)
    for label in ("Questions: 2", "Reflection: 1", "Resource: 1", "Suggestion: 1"):
        assert label in text


def test_locked_log_takes_no_responses(client, world):
    world.log.locked_at = timezone.now()
    world.log.save()
    client.force_login(world.member)
    assert "This log is locked" in client.get(world.log.get_absolute_url()).content.decode()
    before = db_state()
    assert (
        client.post(url(world, "response_create"), {"kind": "question", "body": "?"}).status_code
        == 403
    )
    assert db_state() == before


def test_response_url_must_match_log_and_circle(client, world):
    other_log = ActionLogFactory(circle=world.circle, author=world.member, state=LogState.PUBLISHED)
    client.force_login(world.member)
    wrong = reverse(
        "circles:response_edit",
        kwargs={"slug": world.circle.slug, "pk": other_log.pk, "rpk": world.response.pk},
    )
    assert client.get(wrong).status_code == 404
