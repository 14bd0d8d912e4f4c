"""Replies: anyone who may respond, and the log's author, reply to a response (one level
deep, shown under it). The author answers a question with a reply, never with a
response of her own, and a question she has replied to shows as answered. Replies follow
every rule responses follow: hidden, left circle, other circle."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from circles.models import ActionLog, MembershipState, Response
from circles.permissions import can_respond
from circles.selectors import dashboard_for
from circles.services.responses import reply_create, response_create, response_mark_helpful
from facilitation.models import Report
from tests.circles.helpers import WHO, db_state, is_login_redirect, sign_in
from tests.factories import MembershipFactory, ResponseFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
ANSWER = "Nights liked it: they left on time four days out of five."


def reply_url(world, response=None):
    response = response or world.response
    return reverse(
        "circles:reply_create",
        kwargs={"slug": world.circle.slug, "pk": world.log.pk, "rpk": response.pk},
    )


def page(client, world, user):
    client.force_login(user)
    return client.get(world.log.get_absolute_url())


# --- the author's own log page --------------------------------------------------------------


def test_the_author_is_not_asked_to_question_herself(client, world):
    world.response.delete()
    html = page(client, world, world.author).content.decode()
    assert "No responses yet" in html
    assert "what would you ask" not in html
    assert "Post response" not in html and 'name="kind"' not in html
    # A peer is still invited to ask first.
    html = page(client, world, world.member).content.decode()
    assert "what would you ask" in html and "Post response" in html


def test_the_author_answers_a_question_with_a_reply_and_it_shows_as_answered(client, world):
    html = page(client, world, world.author).content.decode()
    assert "Post response" not in html
    assert f'action="{reply_url(world)}"' in html
    assert "Answered" not in html

    response = client.post(reply_url(world), {"body": ANSWER})

    reply = Response.objects.get(body=ANSWER)
    assert (reply.author, reply.log, reply.parent, reply.kind) == (
        world.author,
        world.log,
        world.response,
        "reply",
    )
    assert response["Location"] == world.log.get_absolute_url() + f"#response-{reply.pk}"
    html = page(client, world, world.member).content.decode()
    question = html.split(f'id="response-{world.response.pk}"')[1]
    assert ANSWER in question and "Answered" in question
    assert "Responses (1)" in html  # a reply is not another response


def test_the_author_cannot_respond_to_her_own_log(client, world):
    assert not can_respond(world.author, world.log)
    before = db_state()
    with pytest.raises(PermissionDenied):
        response_create(author=world.author, log=world.log, kind="question", body="Me?")
    client.force_login(world.author)
    url = reverse("circles:response_create", args=[world.circle.slug, world.log.pk])
    assert client.post(url, {"kind": "question", "body": "Me?"}).status_code == 403
    assert db_state() == before


def test_a_peers_reply_does_not_make_a_question_answered(client, world):
    reply_create(author=world.facilitator, response=world.response, body="Good question.")
    html = page(client, world, world.member).content.decode()
    question = html.split(f'id="response-{world.response.pk}"')[1]
    assert "Good question." in question and "Answered" not in question


def test_an_authors_reply_never_answers_her_own_log(world):
    world.response.delete()
    mine = ResponseFactory(log=world.log, author=world.author, kind="reflection")
    reply_create(author=world.author, response=mine, body="And one more thing.")
    assert ActionLog.objects.filter(pk=world.log.pk).unanswered().exists()
    assert [lg.pk for lg in dashboard_for(user=world.member)["waiting"]] == [world.log.pk]


def test_a_peers_reply_answers_the_log(world):
    world.response.delete()
    mine = ResponseFactory(log=world.log, author=world.author, kind="reflection")
    reply_create(author=world.member, response=mine, body="Here is what we did.")
    assert not ActionLog.objects.filter(pk=world.log.pk).unanswered().exists()


# --- who may reply ----------------------------------------------------------------------------

REPLY = {
    "anonymous": "login",
    "non_member": 404,
    "pending": 404,
    "member": 302,
    "author": 302,
    "other_facilitator": 404,
    "facilitator": 302,
    "staff": 403,  # sees every circle, posts in none
}


@pytest.mark.parametrize("who", WHO)
def test_reply_view_for_every_visitor(client, world, who):
    sign_in(client, world.user(who))
    before = db_state()
    response = client.post(reply_url(world), {"body": "Why ten minutes?"})
    expected = REPLY[who]
    if expected == "login":
        assert is_login_redirect(response) and db_state() == before
    elif expected == 302:
        new = Response.objects.get(body="Why ten minutes?")
        assert (new.author, new.parent) == (world.user(who), world.response)
        assert response["Location"].endswith(f"#response-{new.pk}")
    else:
        assert response.status_code == expected and db_state() == before


def test_replies_go_one_level_deep(client, world):
    reply = reply_create(author=world.author, response=world.response, body=ANSWER)
    before = db_state()
    with pytest.raises(PermissionDenied):
        reply_create(author=world.member, response=reply, body="And a reply to that?")
    client.force_login(world.member)
    assert client.post(reply_url(world, reply), {"body": "Deeper?"}).status_code == 403
    assert db_state() == before


def test_an_empty_reply_explains_and_saves_nothing(client, world):
    client.force_login(world.author)
    before = db_state()
    response = client.post(reply_url(world), {"body": "   "})
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html and "Please write your reply." in html
    assert db_state() == before
    response = client.post(reply_url(world), {"body": "   "}, **HTMX)
    html = response.content.decode()
    assert "Please write your reply." in html and f'id="response-{world.response.pk}"' in html
    assert db_state() == before


def test_reply_with_htmx_returns_the_response_with_its_replies(client, world):
    client.force_login(world.author)
    response = client.post(reply_url(world), {"body": "We *tried* it."}, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    reply = Response.objects.get(parent=world.response)
    assert html.lstrip().startswith(f'<li id="response-{world.response.pk}"')
    assert f'id="response-{reply.pk}"' in html and "<em>tried</em>" in html
    assert "Answered" in html
    assert "We *tried* it." not in html  # the reply form came back empty


def test_no_replies_on_locked_logs_or_under_hidden_responses(client, world, django_user_model):
    world.response.is_hidden = True
    world.response.save()
    with pytest.raises(PermissionDenied):
        reply_create(author=world.facilitator, response=world.response, body="Under hidden")
    world.response.is_hidden = False
    world.response.save()
    client.force_login(world.facilitator)
    lock = reverse("facilitation:log_lock", args=[world.circle.slug, world.log.pk])
    client.post(lock, {"reason": "Cooling off"})
    before = db_state()
    client.force_login(world.member)
    assert client.post(reply_url(world), {"body": "Locked?"}).status_code == 403
    assert db_state() == before


# --- visibility -------------------------------------------------------------------------------


def test_replies_under_a_hidden_response_are_hidden_with_it(client, world):
    reply = reply_create(author=world.author, response=world.response, body=ANSWER)
    client.force_login(world.facilitator)
    hide = reverse("facilitation:response_hide", args=[world.circle.slug, world.response.pk])
    assert client.post(hide, {"reason": "Names a patient"}).status_code == 302

    peer = MembershipFactory(circle=world.circle).member
    assert ANSWER not in page(client, world, peer).content.decode()
    assert ANSWER in page(client, world, world.facilitator).content.decode()
    # The hidden question's own author still sees it, marked, and the answer under it.
    assert ANSWER in page(client, world, world.member).content.decode()
    client.force_login(peer)
    report = reverse("facilitation:report_response", args=[reply.pk])
    assert client.get(report).status_code == 404
    # Nor does a reply under hidden words answer the log.
    assert ActionLog.objects.filter(pk=world.log.pk).unanswered().exists()


def test_a_reply_is_reported_and_hidden_like_a_response(client, world):
    reply = reply_create(author=world.author, response=world.response, body=ANSWER)
    client.force_login(world.member)
    report = reverse("facilitation:report_response", args=[reply.pk])
    assert client.post(report, {"reason": "off_topic", "details": ""}).status_code == 302
    assert Report.objects.get().response == reply

    client.force_login(world.facilitator)
    queue = client.get(reverse("facilitation:queue", args=[world.circle.slug]))
    assert ANSWER in queue.content.decode()
    hide = reverse("facilitation:response_hide", args=[world.circle.slug, reply.pk])
    assert client.post(hide, {"reason": "Off topic"}).status_code == 302
    reply.refresh_from_db()
    assert reply.is_hidden and Report.objects.get().state == "actioned"

    html = page(client, world, world.member).content.decode()
    assert ANSWER not in html and "Answered" not in html
    html = page(client, world, world.author).content.decode()
    assert ANSWER in html and "Hidden by a facilitator: Off topic" in html


def test_a_member_who_left_no_longer_sees_replies(client, world):
    reply_create(author=world.member, response=world.response, body="A follow-up thought")
    world.author.memberships.update(state=MembershipState.LEFT)
    html = page(client, world, world.author).content.decode()
    assert "A follow-up thought" not in html
    client.force_login(world.author)
    assert client.post(reply_url(world), {"body": "Still here?"}).status_code == 404


def test_reply_urls_must_match_their_log_and_circle(client, world):
    other = ResponseFactory(
        log__circle=world.other_circle, log__author=world.other_facilitator, body="Elsewhere"
    )
    MembershipFactory(circle=world.other_circle, member=world.member)
    client.force_login(world.member)
    # The response is in another circle (and on another log) than the address says.
    assert client.post(reply_url(world, other), {"body": "Sneaky"}).status_code == 404
    assert not Response.objects.filter(body="Sneaky").exists()


def test_the_author_edits_her_reply_which_stays_a_reply(client, world):
    reply = reply_create(author=world.author, response=world.response, body=ANSWER)
    edit = reverse("circles:response_edit", args=[world.circle.slug, world.log.pk, reply.pk])
    client.force_login(world.member)
    assert client.get(edit).status_code == 403  # only its author
    client.force_login(world.author)
    html = client.get(edit).content.decode()
    assert "Edit your reply" in html and 'name="kind"' not in html and ANSWER in html

    response = client.post(edit, {"body": "Nights liked it, mostly.", "kind": "suggestion"})

    assert response["Location"].endswith(f"#response-{reply.pk}")
    reply.refresh_from_db()
    assert (reply.body, reply.kind, reply.parent) == (
        "Nights liked it, mostly.",
        "reply",
        world.response,
    )
    assert reply.edited_at is not None


def test_a_reply_is_not_marked_helpful(world):
    reply = reply_create(author=world.member, response=world.response, body="Me again")
    with pytest.raises(PermissionDenied):
        response_mark_helpful(actor=world.author, response=reply)
