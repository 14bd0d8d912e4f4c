"""Each notification shows what was said: the first 140 characters of the rendered text
of the response, reply or log it is about, never Markdown marks or markup."""

import html

import pytest
from django.urls import reverse

from circles.services.logs import log_create
from circles.services.responses import reply_create, response_create

pytestmark = pytest.mark.django_db

SAID = (
    "Have you tried a **safety huddle** at 08:00? _Ours_ cut the overruns.\n\n"
    "- one page\n- five minutes <b>sharp</b>\n\n" + "More words that run past the cut. " * 8
)


def inbox(client, user) -> str:
    client.force_login(user)
    return client.get(reverse("inbox:list")).content.decode()


def test_a_response_notification_shows_its_first_140_characters_of_rendered_text(client, people):
    response_create(author=people.member, log=people.log, kind="question", body=SAID)

    page = inbox(client, people.author)

    shown = "Have you tried a safety huddle at 08:00? Ours cut the overruns. one page five "
    assert shown in page
    assert "**" not in page and "_Ours_" not in page and "<b>" not in page
    [excerpt] = [line for line in page.splitlines() if "notification-excerpt" in line]
    text = html.unescape(excerpt.split(">", 1)[1].rsplit("</p>", 1)[0])
    assert len(text) == 140 and text.endswith("…")


def test_a_reply_and_a_mention_in_a_log_show_what_was_said(client, people):
    response = response_create(author=people.member, log=people.log, kind="question", body="Q?")
    reply_create(author=people.author, response=response, body="We *did*: it **worked**.")
    log_create(
        author=people.author,
        circle=people.circle,
        data={
            "title": "Rota",
            "situation": "@Bea Member, the **rota** is late again.",
            "action": "Asked.",
        },
        tags=[],
        publish=True,
    )

    page = inbox(client, people.member)

    assert "We did: it worked." in page
    assert "@Bea Member, the rota is late again." in page
