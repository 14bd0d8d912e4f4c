"""A draft with only a title shows no empty headings: it says what is left to write."""

import pytest

from circles.services.logs import log_create
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def test_a_draft_with_only_a_title_shows_no_empty_headings(client):
    author = MembershipFactory().member
    draft = log_create(
        author=author, circle=author.memberships.get().circle, data={"title": "Rota"}, tags=[]
    )
    client.force_login(author)
    html = client.get(draft.get_absolute_url()).content.decode()
    assert ">Situation</h2>" not in html and ">Action</h2>" not in html
    assert "Nothing written yet but the title" in html


def test_a_draft_shows_what_it_has(client):
    author = MembershipFactory().member
    draft = log_create(
        author=author,
        circle=author.memberships.get().circle,
        data={"title": "Rota", "situation": "Gaps on nights."},
        tags=[],
    )
    client.force_login(author)
    html = client.get(draft.get_absolute_url()).content.decode()
    assert ">Situation</h2>" in html and "Gaps on nights." in html
    assert ">Action</h2>" not in html and "Nothing written yet" not in html
