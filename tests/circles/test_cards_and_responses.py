"""Cards and responses: every change to what they show shows at once, however it was
written; a reader only ever gets what she may see, with the links and forms of her relation
to it; and with the cache down the pages are the same."""

import datetime
import re

import pytest
from django.core.cache import caches
from django.test import Client
from django.utils import timezone

from circles.models import ResponseKind
from circles.services.logs import log_update
from circles.services.responses import (
    reply_create,
    response_create,
    response_mark_helpful,
    response_update,
)
from facilitation.services import content_hide, content_restore, log_flag_set
from members.services import profile_update
from school.settings import redis_cache
from tests.factories import ActionLogFactory, MembershipFactory, ResponseFactory

pytestmark = pytest.mark.django_db


def _page(client, user, url):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), [t.name for t in response.templates]


def _feed(client, world, user=None):
    return _page(client, user or world.member, world.circle.get_absolute_url())[0]


def _log_page(client, world, user=None):
    return _page(client, user or world.member, world.log.get_absolute_url())[0]


def _edit(world, **changes):
    data = {"title": world.log.title, "situation": world.log.situation, "action": "Asked."}
    log_update(author=world.author, log=world.log, data={**data, **changes}, tags=["handover"])


def _rename(user, name):
    profile = user.profile
    profile_update(user=user, display_name=name, roles=[], organisation=profile.organisation,
                   sector=profile.sector, time_zone=profile.time_zone)  # fmt: skip


# --- a card shows every change at once ------------------------------------------------------


def test_a_card_shows_an_edit(client, world):
    _feed(client, world)
    _edit(world, title="Handover huddle, week two", situation="Weekends *too*.")
    page = _feed(client, world)
    assert "Handover huddle, week two" in page and "Weekends too." in page
    assert "· edited" in page


def test_a_card_shows_changed_tags(client, world):
    _feed(client, world)
    world.log.tags.add("rota")
    assert '<span class="tag">rota</span>' in _feed(client, world)


NOW = timezone.now()


@pytest.mark.parametrize(
    "change, shown",
    [
        ({"title": "Huddle at 7"}, ">Huddle at 7</a>"),
        ({"situation_excerpt": "Weekends too."}, ">Weekends too.</p>"),
        ({"edited_at": NOW}, "· edited"),
        ({"pinned_at": NOW}, ">Pinned</span>"),
        ({"locked_at": NOW}, ">Locked</span>"),
        ({"is_hidden": True}, ">Hidden by a facilitator</span>"),
    ],
)
def test_a_card_shows_each_change_to_its_log_however_it_was_written(client, world, change, shown):
    """The admin, a data migration or a bulk update included: the key follows the row."""
    assert shown not in _feed(client, world, world.facilitator)
    type(world.log).objects.filter(pk=world.log.pk).update(**change)
    assert shown in _feed(client, world, world.facilitator)


@pytest.mark.parametrize(
    "change, shown",
    [
        ({"body_html": "<p>And days?</p>"}, "<p>And days?</p>"),
        ({"edited_at": NOW}, '<span class="edited">edited</span>'),
        ({"helpful_at": NOW}, ">Helpful</span>"),
        ({"is_hidden": True}, "Hidden by a facilitator."),
        ({"is_hidden": True, "hidden_reason": "Off topic"}, "Hidden by a facilitator: Off topic."),
    ],
)
def test_a_response_and_a_reply_show_each_change_however_it_was_written(
    client, world, change, shown
):
    reply = ResponseFactory(log=world.log, author=world.author, parent=world.response,
                            kind="reply", body="They were keen.")  # fmt: skip
    # A reply shows no helpful mark.
    for changed in (world.response, reply) if "helpful_at" not in change else (world.response,):
        before = _log_page(client, world, world.facilitator)
        type(changed).objects.filter(pk=changed.pk).update(**change)
        after = _log_page(client, world, world.facilitator)
        assert after.count(shown) == before.count(shown) + 1, changed.kind


def _waiting_log(world):
    """A second log of the author's, still waiting for a response."""
    return ActionLogFactory(circle=world.circle, author=world.author, title="Rota gaps")


def _cards(page):
    return [card.split("</article>")[0] for card in page.split('class="card log-card"')[1:]]


def test_a_card_shows_a_new_response_and_that_the_log_was_answered(client, world):
    waiting = _waiting_log(world)
    own = ResponseFactory(log=waiting, author=world.author, body="More detail.")
    card = _cards(_feed(client, world))[0]
    assert "Rota gaps" in card and "1 response" in card and "No response yet" in card
    ResponseFactory(log=waiting, author=world.member, parent=own, kind="reply", body="Why?")
    card = _cards(_feed(client, world))[0]  # the count of responses is the same
    assert "1 response" in card and "No response yet" not in card
    response_create(author=world.facilitator, log=waiting, kind=ResponseKind.QUESTION, body="?")
    assert "2 responses" in _cards(_feed(client, world))[0]


def test_a_card_shows_pinning_locking_hiding_and_restoring(client, world):
    _feed(client, world, world.facilitator)
    log_flag_set(actor=world.facilitator, log=world.log, flag="pin")
    assert "Pinned" in _feed(client, world, world.facilitator)
    log_flag_set(actor=world.facilitator, log=world.log, flag="lock")
    assert "Locked" in _feed(client, world, world.facilitator)
    content_hide(actor=world.facilitator, log=world.log, reason="Names a patient")
    assert "Hidden by a facilitator" in _feed(client, world, world.facilitator)
    content_restore(actor=world.facilitator, log=world.log)
    assert "Hidden by a facilitator" not in _feed(client, world, world.facilitator)


def test_a_card_shows_the_authors_new_name(client, world):
    _rename(world.author, "Sister Adaeze Obi")
    _feed(client, world)
    _rename(world.author, "Matron Adaeze Obi")
    page = _feed(client, world)
    assert "Matron Adaeze Obi" in page and "Sister Adaeze Obi" not in page


def test_a_card_shows_its_dates_on_each_readers_clock(client, world):
    late = timezone.make_aware(datetime.datetime(2026, 3, 1, 23, 30), datetime.UTC)
    type(world.log).objects.filter(pk=world.log.pk).update(published_at=late)
    for user, zone in ((world.member, "Europe/London"), (world.facilitator, "Asia/Tokyo")):
        user.profile.time_zone = zone
        user.profile.save()
    assert "1 Mar 2026" in _feed(client, world)
    assert "2 Mar 2026" in _feed(client, world, world.facilitator)


def test_the_dashboard_card_names_the_circle_and_the_feeds_does_not(client, world):
    waiting = _waiting_log(world)
    feed_card = _cards(_feed(client, world))[0]
    dashboard_card = _cards(_page(client, world.member, "/dashboard/")[0])[0]
    assert waiting.title in feed_card and waiting.title in dashboard_card
    assert f"in {world.circle.name}" in dashboard_card and world.circle.name not in feed_card


# --- what a response says shows every change at once ----------------------------------------


def test_a_response_shows_an_edit(client, world):
    _log_page(client, world)
    response_update(author=world.member, response=world.response, body="And days?",
                    kind=ResponseKind.REFLECTION)  # fmt: skip
    page = _log_page(client, world)
    assert "And days?" in page and "What did nights think?" not in page
    assert '<span class="edited">edited</span>' in page


def test_a_response_shows_a_helpful_mark_and_an_answered_question(client, world):
    _log_page(client, world)
    response_mark_helpful(actor=world.author, response=world.response)
    assert '<span class="badge badge-ok">Helpful</span>' in _log_page(client, world)
    reply_create(author=world.author, response=world.response, body="They were keen.")
    page = _log_page(client, world)
    assert '<span class="badge badge-ok">Answered</span>' in page and "They were keen." in page


def test_a_hidden_response_and_reply_show_a_changed_reason(client, world):
    reply = ResponseFactory(log=world.log, author=world.author, parent=world.response,
                            kind="reply", body="They were keen.", is_hidden=True)  # fmt: skip
    type(reply).objects.filter(pk=world.response.pk).update(is_hidden=True)
    assert _log_page(client, world, world.facilitator).count("Hidden by a facilitator.") == 2
    type(reply).objects.filter(pk__in=[reply.pk, world.response.pk]).update(hidden_reason="Rude")
    assert _log_page(client, world, world.facilitator).count("Hidden by a facilitator: Rude.") == 2


def test_a_response_and_a_reply_show_hiding_and_restoring(client, world):
    reply = reply_create(author=world.author, response=world.response, body="They were keen.")
    _log_page(client, world, world.facilitator)
    content_hide(actor=world.facilitator, response=world.response, reason="Off topic")
    content_hide(actor=world.facilitator, response=reply, reason="Names a patient")
    page = _log_page(client, world, world.facilitator)
    assert "Hidden by a facilitator: Off topic." in page
    assert "Hidden by a facilitator: Names a patient." in page
    content_restore(actor=world.facilitator, response=world.response)
    assert "Hidden by a facilitator: Off topic." not in _log_page(client, world, world.facilitator)


def test_a_response_and_a_reply_show_their_authors_new_names(client, world):
    reply_create(author=world.author, response=world.response, body="They were keen.")
    _log_page(client, world)
    _rename(world.member, "Charge Nurse Ben Ito")
    _rename(world.author, "Matron Adaeze Obi")
    page = _log_page(client, world)
    assert "Charge Nurse Ben Ito</a> ·" in page and "Matron Adaeze Obi</a> <span" in page


# --- only what the reader may see -----------------------------------------------------------


def test_a_hidden_logs_card_never_reaches_a_member(client, world):
    content_hide(actor=world.facilitator, log=world.log, reason="Names a patient")
    assert "Handover huddle" in _feed(client, world, world.facilitator)  # cached now
    assert "Handover huddle" not in _feed(client, world)
    assert "Handover huddle" not in _page(client, world.member, "/dashboard/")[0]


def test_a_hidden_response_never_reaches_a_member(client, world):
    secret = ResponseFactory(log=world.log, author=world.facilitator, body="Bed 4, Mr Jones.")
    content_hide(actor=world.facilitator, response=secret, reason="Names a patient")
    assert "Bed 4, Mr Jones." in _log_page(client, world, world.facilitator)  # cached now
    assert "Bed 4, Mr Jones." not in _log_page(client, world)


# --- links and forms by the reader's relation ----------------------------------------------


def test_each_reader_gets_the_links_and_forms_of_her_relation_to_a_response(client, world):
    # The facilitator's block is cached first; the others still get their own.
    fac = _log_page(client, world, world.facilitator)
    member = _log_page(client, world, world.member)
    author = _log_page(client, world, world.author)
    other = _log_page(client, world, MembershipFactory(circle=world.circle).member)
    hide = f"/facilitate/{world.circle.slug}/responses/{world.response.pk}/hide/"
    helpful = f"/logs/{world.log.pk}/responses/{world.response.pk}/helpful/"
    edit = f"/logs/{world.log.pk}/responses/{world.response.pk}/edit/"
    report = f"/facilitate/report/response/{world.response.pk}/"
    assert hide in fac and hide not in member + author + other
    assert helpful in author and helpful not in fac + member + other
    assert edit in member and edit not in fac + author + other
    assert report in fac + author and report in other and report not in member


def test_a_reader_who_may_no_longer_reply_gets_no_reply_form(client, world):
    reply_url = f"/logs/{world.log.pk}/responses/{world.response.pk}/replies/"
    assert reply_url in _log_page(client, world, world.author)
    type(world.circle).objects.filter(pk=world.circle.pk).update(status="archived")
    assert reply_url not in _log_page(client, world, world.author)


def test_forms_in_a_response_carry_the_readers_own_csrf_token(world):
    author = Client(enforce_csrf_checks=True)
    author.force_login(world.author)
    _page(author, world.author, world.log.get_absolute_url())
    page, _ = _page(author, world.author, world.log.get_absolute_url())
    form = page[page.index(f"/responses/{world.response.pk}/helpful/") :]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    url = f"{world.log.get_absolute_url()}responses/{world.response.pk}/helpful/"
    response = author.post(url, {"helpful": "1", "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    world.response.refresh_from_db()
    assert world.response.helpful_at is not None


# --- the cache down -------------------------------------------------------------------------


def test_pages_are_the_same_with_the_cache_down(client, world, settings):
    reply_create(author=world.author, response=world.response, body="They were keen.")
    _waiting_log(world)

    def pages():
        shown = [_feed(client, world), _log_page(client, world)]
        shown.append(_page(client, world.member, "/dashboard/")[0])
        shown = [re.sub(r'name="once" value="[^"]+"', "(one-time token)", p) for p in shown]
        return [re.sub(r"[A-Za-z0-9]{64}", "(CSRF token)", page) for page in shown]

    pages()  # the log page marks the reply's notification read: the bell settles first
    cached = pages()
    assert pages() == cached
    settings.CACHES = {"default": redis_cache("redis://127.0.0.1:1/0")}  # nothing listens
    assert caches["default"].get_many(["x"]) == {}
    assert pages() == cached
