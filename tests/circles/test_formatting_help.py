"""Under the boxes that take formatted text, the help says what a writer can do in words
she knows, not "Markdown"."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

PLAIN = "You can use **bold**, lists and links. Up to 5,000 characters."


def test_the_response_and_reply_boxes_say_what_she_can_do(client, world):
    client.force_login(world.author)
    html = client.get(world.log.get_absolute_url()).content.decode()
    assert PLAIN in html  # the reply to the question on her log
    assert "Markdown" not in html


def test_the_response_box_says_what_she_can_do(client, world):
    client.force_login(world.member)
    html = client.get(world.log.get_absolute_url()).content.decode()
    assert PLAIN in html
    assert "Markdown" not in html


def test_the_log_form_says_what_she_can_do(client, world):
    client.force_login(world.member)
    html = client.get(reverse("circles:log_create", args=[world.circle.slug])).content.decode()
    assert "In the longer answers you can use **bold**, lists and links." in html
    assert "Markdown" not in html
