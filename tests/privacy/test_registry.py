"""Export and erasure walk the models: every link to a member has a decision, and each
export file's fields exist."""

import pytest
from django.apps import apps
from django.db import models

from privacy.registry import DECISIONS, EXPORTS, Erase, user_links


def test_every_link_to_a_member_has_an_erasure_decision():
    links = list(user_links())
    undecided = [link.key for link in links if link.decision is None]
    assert not undecided, "Add a line to privacy.registry.DECISIONS for each of: " + ", ".join(
        undecided
    )
    # The walk finds the links of every app, Django's join tables included.
    keys = {link.key for link in links}
    assert {"circles.ActionLog.author", "members.Profile.user", "account.EmailAddress.user"} <= keys
    assert any(link.model._meta.auto_created for link in links)


def test_a_new_model_pointing_at_a_member_fails_the_walk_until_it_has_a_decision():
    from members.models import User

    class Scribble(models.Model):
        writer = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")

        class Meta:
            app_label = "privacy"

        def __str__(self):
            return "scribble"

    try:
        undecided = [link.key for link in user_links() if link.decision is None]
        assert undecided == ["privacy.Scribble.writer"]
    finally:
        from django.apps import apps

        del apps.all_models["privacy"]["scribble"]
        apps.clear_cache()


def test_no_decision_is_left_over_for_a_link_that_is_gone():
    keys = {link.key for link in user_links()}
    assert set(DECISIONS) <= keys


def test_what_she_wrote_is_in_an_export_file():
    names = {kind.name for kind in EXPORTS}
    for key, decision in DECISIONS.items():
        if decision.erase == Erase.CONTENT:
            assert decision.export, key
        if decision.export:
            assert decision.export in names, key


@pytest.mark.django_db
def test_every_export_file_reads_its_fields(world):
    for kind in EXPORTS:
        rows = list(kind.queryset(world.alice))
        assert rows, kind.name
        assert set(rows[0]) == set(kind.columns()), kind.name


def test_her_own_rows_are_exported_whole_a_field_added_later_included():
    """Every column of a complete kind is exported, or named as left out."""
    for kind in EXPORTS:
        if not kind.complete:
            continue
        model = apps.get_model(kind.model)
        columns = kind.columns()
        for f in model._meta.concrete_fields:
            left_out = f.name in kind.omit or f.name == kind.owner.split("__")[0]
            assert left_out or any(c.split("__")[0] in (f.name, f.attname) for c in columns), (
                f"{kind.name}: {f.name}"
            )
    profile = next(kind for kind in EXPORTS if kind.name == "profile").columns()
    assert "created_at" in profile  # not listed by hand: found on the model
    logs = next(kind for kind in EXPORTS if kind.name == "logs").columns()
    assert "pinned_at" in logs and "situation_html" not in logs
