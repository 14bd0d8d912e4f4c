"""The log form: what a draft needs (a title) and what publishing needs (situation, action,
a commitment dated today or later in the writer's own time zone); the form grouped by the
cycle's steps; the preview, rendered on the server through the same sanitiser as the log."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from circles.models import ActionLog, LogState
from circles.services.logs import log_create, log_publish, log_update
from tests.circles.helpers import db_state, log_post_data
from tests.factories import ActionLogFactory

pytestmark = pytest.mark.django_db

# 03:00 UTC on 1 December: already 1 December in London, still 30 November in New York.
NOW = dt.datetime(2026, 12, 1, 3, 0, tzinfo=dt.UTC)
YESTERDAY_IN_LONDON = dt.date(2026, 11, 30)


def _in_zone(user, zone: str):
    user.profile.time_zone = zone
    user.profile.save()
    return user


def _create_url(world) -> str:
    return reverse("circles:log_create", kwargs={"slug": world.circle.slug})


def _edit_url(log) -> str:
    return reverse("circles:log_edit", kwargs={"slug": log.circle.slug, "pk": log.pk})


def _summary(html: str) -> str:
    """The text of the page's error summary (empty when there is none)."""
    start = html.find('class="error-summary"')
    if start == -1:
        return ""
    return html[start : html.find("</div>", start)]


# --- 1. a commitment dated in the past ----------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_publishing_a_commitment_dated_before_today_is_refused_in_the_summary(client, world):
    _in_zone(world.member, "Europe/London")
    client.force_login(world.member)
    before = db_state()
    response = client.post(
        _create_url(world), log_post_data(publish="1", next_step_due="2026-11-30")
    )
    assert response.status_code == 200
    summary = _summary(response.content.decode())
    assert "Next step due by" in summary
    assert "1 Dec 2026" in summary  # says which day counts as today
    assert db_state() == before


@time_machine.travel(NOW, tick=False)
def test_today_is_the_writers_own_today(client, world):
    """30 November is yesterday in London but still today in New York."""
    _in_zone(world.member, "America/New_York")
    client.force_login(world.member)
    response = client.post(
        _create_url(world), log_post_data(publish="1", next_step_due="2026-11-30")
    )
    log = ActionLog.objects.get(title="Safer staffing huddle")
    assert response["Location"] == log.get_absolute_url()
    assert log.state == LogState.PUBLISHED and log.next_step_due == YESTERDAY_IN_LONDON


@time_machine.travel(NOW, tick=False)
def test_a_draft_may_keep_any_date(client, world):
    _in_zone(world.member, "Europe/London")
    client.force_login(world.member)
    client.post(_create_url(world), log_post_data(save="1", next_step_due="2026-01-05"))
    log = ActionLog.objects.get(title="Safer staffing huddle")
    assert log.state == LogState.DRAFT and log.next_step_due == dt.date(2026, 1, 5)
    # …but publishing it later, from its page, is refused and shows the form with the error.
    before = db_state()
    url = reverse("circles:log_publish", kwargs={"slug": world.circle.slug, "pk": log.pk})
    response = client.post(url)
    assert response.status_code == 200
    assert "Next step due by" in _summary(response.content.decode())
    assert db_state() == before


@time_machine.travel(NOW, tick=False)
def test_editing_a_published_log_keeps_a_date_that_has_since_passed(client, world):
    _in_zone(world.author, "Europe/London")
    world.log.next_step_due = dt.date(2026, 11, 20)
    world.log.save()
    client.force_login(world.author)
    response = client.post(
        _edit_url(world.log),
        log_post_data(title="Handover huddle, revisited", next_step_due="2026-11-20", save="1"),
    )
    assert response.status_code == 302
    world.log.refresh_from_db()
    assert world.log.title == "Handover huddle, revisited"
    assert world.log.next_step_due == dt.date(2026, 11, 20)
    # Moving it to another past date is refused.
    before = db_state()
    response = client.post(
        _edit_url(world.log), log_post_data(next_step_due="2026-11-21", save="1")
    )
    assert "Next step due by" in _summary(response.content.decode())
    assert db_state() == before
    world.log.refresh_from_db()
    assert world.log.next_step_due == dt.date(2026, 11, 20)


@time_machine.travel(NOW, tick=False)
def test_services_refuse_a_past_commitment_on_publish(world):
    _in_zone(world.member, "Europe/London")
    data = {**_service_data(), "next_step_due": YESTERDAY_IN_LONDON}
    before = db_state()
    with pytest.raises(ValidationError) as refused:
        log_create(author=world.member, circle=world.circle, data=data, tags=[], publish=True)
    assert "next_step_due" in refused.value.error_dict
    draft = log_create(author=world.member, circle=world.circle, data=data, tags=[])
    with pytest.raises(ValidationError):
        log_publish(author=world.member, log=draft)
    draft.refresh_from_db()
    assert draft.state == LogState.DRAFT
    assert ActionLog.objects.filter(state=LogState.PUBLISHED).count() == len(
        [x for x in before[0] if x[3] == LogState.PUBLISHED]
    )


def _service_data(**overrides) -> dict:
    data = {
        "title": "Protected mealtimes",
        "situation": "Patients miss meals during ward rounds.",
        "action": "Moved the round by 30 minutes.",
        "prediction": "",
        "outcome": "",
        "insight": "",
        "next_step": "",
        "next_step_due": None,
        "ask": "",
    }
    data.update(overrides)
    return data


# --- 3. a draft needs only a title ----------------------------------------------------------------


def test_save_draft_needs_only_a_title(client, world):
    client.force_login(world.member)
    empty = {name: "" for name in log_post_data()}
    response = client.post(_create_url(world), {**empty, "title": "Rota idea", "save": "1"})
    log = ActionLog.objects.get(title="Rota idea")
    assert response["Location"] == log.get_absolute_url()
    assert log.state == LogState.DRAFT and log.situation == "" and log.action == ""


def test_a_draft_without_a_title_is_refused(client, world):
    client.force_login(world.member)
    before = db_state()
    response = client.post(_create_url(world), log_post_data(title="", situation="", save="1"))
    summary = _summary(response.content.decode())
    assert "Title" in summary and "Situation" not in summary
    assert db_state() == before


def test_publishing_names_every_missing_field(client, world):
    client.force_login(world.member)
    before = db_state()
    response = client.post(
        _create_url(world), log_post_data(title="", situation="", action="", publish="1")
    )
    summary = _summary(response.content.decode())
    for label in ("Title", "Situation", "Action"):
        assert f"{label}: " in summary, summary
    assert db_state() == before


def test_publishing_a_bare_draft_from_its_page_names_what_is_missing(client, world):
    draft = log_create(
        author=world.member, circle=world.circle, data={"title": "Rota idea"}, tags=[]
    )
    client.force_login(world.member)
    before = db_state()
    url = reverse("circles:log_publish", kwargs={"slug": world.circle.slug, "pk": draft.pk})
    response = client.post(url)
    html = response.content.decode()
    summary = _summary(html)
    assert "Situation: " in summary and "Action: " in summary
    assert f'action="{_edit_url(draft)}"' in html  # fixing it saves through the edit page
    assert db_state() == before


def test_publishing_an_edited_draft_checks_the_new_text(world):
    draft = log_create(
        author=world.member, circle=world.circle, data={"title": "Rota idea"}, tags=[]
    )
    with pytest.raises(ValidationError) as refused:
        log_update(author=world.member, log=draft, data={"situation": "Short."}, tags=[],
                   publish=True)  # fmt: skip
    assert set(refused.value.error_dict) == {"action"}
    log_update(
        author=world.member, log=draft, data={"action": "Ask the kitchen."}, tags=[], publish=True
    )
    draft.refresh_from_db()
    assert draft.state == LogState.PUBLISHED


# --- 20. grouped by the cycle's steps, formatting said once, a preview ---------------------------


def test_the_form_is_grouped_by_the_cycles_steps_and_mentions_formatting_once(client, world):
    client.force_login(world.member)
    html = client.get(_create_url(world)).content.decode()
    legends = [
        "What is happening and what I will try",
        "What I expect",
        "What happened",
        "What I learnt",
        "Next step and ask",
    ]
    positions = [html.find(f"<legend>{legend}") for legend in legends]
    assert -1 not in positions and positions == sorted(positions), positions
    assert html.count("you can use **bold**, lists and links") == 1
    assert "Formatting help" in html


def test_preview_renders_through_the_sanitiser_and_saves_nothing(client, world):
    client.force_login(world.member)
    before = db_state()
    data = log_post_data(
        situation="Nights are **short** <script>alert(1)</script>",
        action="[a link](javascript:alert(1))",
        preview="1",
    )
    response = client.post(_create_url(world), data)
    html = response.content.decode()
    assert response.status_code == 200
    preview = html[html.find('id="log-preview"') :]
    assert "<strong>short</strong>" in preview
    assert "<script>alert(1)" not in html and 'href="javascript' not in html
    assert 'value="Safer staffing huddle"' in html  # the form keeps what was typed
    assert "There is a problem" not in html  # previewing is not submitting
    assert db_state() == before


def test_preview_answers_htmx_with_only_the_preview(client, world):
    client.force_login(world.member)
    url = reverse("circles:log_preview", kwargs={"slug": world.circle.slug})
    form_page = client.get(_create_url(world)).content.decode()
    assert f'hx-post="{url}"' in form_page
    before = db_state()
    response = client.post(url, log_post_data(outcome="_late_ on day 3"), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<em>late</em>" in html and "<html" not in html
    assert db_state() == before


@pytest.mark.parametrize(
    ("who", "status"),
    [("non_member", 404), ("pending", 404), ("other_facilitator", 404), ("staff", 403)],
)
def test_preview_is_only_for_people_who_may_write_in_the_circle(client, world, who, status):
    client.force_login(getattr(world, who))
    url = reverse("circles:log_preview", kwargs={"slug": world.circle.slug})
    assert client.post(url, log_post_data(), HTTP_HX_REQUEST="true").status_code == status


def test_preview_needs_sign_in(client, world):
    url = reverse("circles:log_preview", kwargs={"slug": world.circle.slug})
    response = client.post(url, log_post_data())
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_edit_page_previews_too(client, world):
    client.force_login(world.author)
    log = ActionLogFactory(circle=world.circle, author=world.author, title="Board")
    before = db_state()
    html = client.post(
        _edit_url(log), log_post_data(title="Board", insight="> quoted", preview="1")
    ).content.decode()
    assert "<blockquote>" in html[html.find('id="log-preview"') :]
    assert db_state() == before
