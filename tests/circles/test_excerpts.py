"""Excerpts of what people wrote, as emails and lists show them."""

import importlib
from types import SimpleNamespace

from django.apps import apps
from django.db import connection

from circles.models import CARD_EXCERPT_LENGTH, ActionLog
from circles.text import excerpt, excerpt_text
from tests.factories import ActionLogFactory


def test_an_excerpt_is_the_whole_text_when_it_fits_with_whitespace_collapsed():
    assert excerpt("Night  handover\n\nruns late", 200) == "Night handover runs late"
    assert excerpt("", 200) == ""
    assert excerpt(None, 200) == ""


def test_a_long_excerpt_keeps_as_much_as_fits_and_ends_with_an_ellipsis():
    link = "https://example.org/" + "a" * 300
    text = f"See {link} for the rota."
    cut = excerpt(text, 100)
    assert len(cut) == 100 and cut.endswith("…")
    assert cut.startswith("See https://example.org/aaaa")  # not just "See…"


def test_a_log_keeps_a_plain_text_excerpt_of_its_situation_made_when_saved(db):
    log = ActionLogFactory(situation="Nights **hand over** late & rushed.\n\n" + "word " * 60)
    assert log.situation_excerpt.startswith("Nights hand over late & rushed. word")
    assert len(log.situation_excerpt) == CARD_EXCERPT_LENGTH
    assert log.situation_excerpt.endswith("…")
    log.situation = "Days now."
    log.save(update_fields=["situation"])
    log.refresh_from_db()
    assert log.situation_excerpt == "Days now."


def test_a_card_shows_the_stored_excerpt_escaped(client, world):
    world.log.situation = "Ward <b>7</b> & the *rota*"
    world.log.save()
    client.force_login(world.member)
    page = client.get(world.circle.get_absolute_url()).content.decode()
    assert "Ward &lt;b&gt;7&lt;/b&gt; &amp; the rota" in page


def test_the_migration_fills_the_excerpt_of_existing_logs(world):
    ActionLog.objects.update(situation_excerpt="")
    migration = importlib.import_module("circles.migrations.0008_log_situation_excerpt")
    migration.fill_excerpts(apps, SimpleNamespace(connection=connection))
    world.log.refresh_from_db()
    assert world.log.situation_excerpt == excerpt_text(world.log.situation_html, 180) != ""
