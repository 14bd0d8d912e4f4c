"""Every moderation action through the real views: the circle's facilitator (and staff)
succeed and the decision is audited; everyone else is refused and nothing changes."""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from circles.models import (
    ActionLog,
    Circle,
    Invite,
    Membership,
    MembershipKind,
    MembershipState,
    Response,
)
from facilitation.models import ModerationAction, ModerationVerb, Report, ReportState
from tests.factories import ActionLogFactory, MembershipFactory, ResponseFactory, RoleFactory

pytestmark = pytest.mark.django_db


@dataclass
class Action:
    name: str
    verb: str
    # Prepare the state the action needs; return (url, POST data).
    prepare: Callable
    # True once the action has taken effect.
    done: Callable
    reason: str = ""


def _url(name, world, *args):
    return reverse(f"facilitation:{name}", args=[world.circle.slug, *args])


def _hidden_log(world):
    log = ActionLogFactory(circle=world.circle, author=world.author, title="Hidden one")
    ActionLog.objects.filter(pk=log.pk).update(is_hidden=True, hidden_reason="Names a patient")
    return log


def _hidden_response(world):
    response = ResponseFactory(log=world.log, author=world.other.member)
    Response.objects.filter(pk=response.pk).update(is_hidden=True, hidden_reason="Unkind")
    return response


def _pending(world):
    return MembershipFactory(
        circle=world.circle, state=MembershipState.PENDING, joined_at=None, entry_answer="Ward 7"
    )


def _invite(world):
    return Invite.objects.create(
        circle=world.circle,
        created_by=world.facilitator,
        expires_at=timezone.now() + timedelta(days=7),
    )


def _log(world, **fields):
    log = ActionLogFactory(circle=world.circle, author=world.author, title="Flags")
    ActionLog.objects.filter(pk=log.pk).update(**fields)
    return log


ACTIONS = [
    Action(
        "hide log",
        ModerationVerb.HIDE,
        lambda w: (_url("log_hide", w, w.log.pk), {"reason": "Names a patient"}),
        lambda w, _: ActionLog.objects.get(pk=w.log.pk).is_hidden,
        reason="Names a patient",
    ),
    Action(
        "restore log",
        ModerationVerb.RESTORE,
        lambda w: (_url("log_restore", w, (log := _hidden_log(w)).pk), {}) + (log,),
        lambda w, log: not ActionLog.objects.get(pk=log.pk).is_hidden,
    ),
    Action(
        "hide response",
        ModerationVerb.HIDE,
        lambda w: (_url("response_hide", w, w.response.pk), {"reason": "Unkind to a peer"}),
        lambda w, _: (
            Response.objects.get(pk=w.response.pk).is_hidden
            and Report.objects.get(pk=w.report.pk).state == ReportState.ACTIONED
        ),
        reason="Unkind to a peer",
    ),
    Action(
        "restore response",
        ModerationVerb.RESTORE,
        lambda w: (_url("response_restore", w, (r := _hidden_response(w)).pk), {}) + (r,),
        lambda w, r: not Response.objects.get(pk=r.pk).is_hidden,
    ),
    Action(
        "dismiss report",
        ModerationVerb.DISMISS,
        lambda w: (_url("report_dismiss", w, w.report.pk), {"reason": "Robust, not rude"}),
        lambda w, _: Report.objects.get(pk=w.report.pk).state == ReportState.DISMISSED,
        reason="Robust, not rude",
    ),
    Action(
        "pin log",
        ModerationVerb.PIN,
        lambda w: (_url("log_pin", w, w.log.pk), {}),
        lambda w, _: ActionLog.objects.get(pk=w.log.pk).pinned_at is not None,
    ),
    Action(
        "unpin log",
        ModerationVerb.UNPIN,
        lambda w: (
            (_url("log_unpin", w, (log := _log(w, pinned_at=timezone.now())).pk), {}) + (log,)
        ),
        lambda w, log: ActionLog.objects.get(pk=log.pk).pinned_at is None,
    ),
    Action(
        "lock log",
        ModerationVerb.LOCK,
        lambda w: (_url("log_lock", w, w.log.pk), {}),
        lambda w, _: ActionLog.objects.get(pk=w.log.pk).locked_at is not None,
    ),
    Action(
        "unlock log",
        ModerationVerb.UNLOCK,
        lambda w: (
            (_url("log_unlock", w, (log := _log(w, locked_at=timezone.now())).pk), {}) + (log,)
        ),
        lambda w, log: ActionLog.objects.get(pk=log.pk).locked_at is None,
    ),
    Action(
        "remove member",
        ModerationVerb.REMOVE,
        lambda w: (_url("member_remove", w, w.other.pk), {"reason": "Repeatedly unkind"}),
        lambda w, _: Membership.objects.get(pk=w.other.pk).state == MembershipState.REMOVED,
        reason="Repeatedly unkind",
    ),
    Action(
        "make co-facilitator",
        ModerationVerb.PROMOTE,
        lambda w: (_url("facilitator_promote", w, w.other.pk), {}),
        lambda w, _: Membership.objects.get(pk=w.other.pk).kind == MembershipKind.FACILITATOR,
    ),
    Action(
        "end a co-facilitator's role",
        ModerationVerb.DEMOTE,
        lambda w: (_url("facilitator_demote", w, w.co_facilitator.pk), {}),
        lambda w, _: Membership.objects.get(pk=w.co_facilitator.pk).kind == MembershipKind.MEMBER,
    ),
    Action(
        "edit circle",
        ModerationVerb.EDIT_CIRCLE,
        lambda w: (
            _url("settings", w),
            {
                "name": "Ward managers North",
                "purpose": "A new purpose.",
                "join_policy": "request",
                "entry_question": "Which ward do you run?",
                "capacity": "10",
                "rhythm_weekday": "2",
                "tags": "handover, Rostering",
                "roles": [RoleFactory(name="Ward manager", slug="ward-manager").pk],
            },
        ),
        lambda w, _: (
            (c := Circle.objects.get(pk=w.circle.pk)).purpose == "A new purpose."
            and c.capacity == 10
            and c.join_policy == "request"
            and sorted(c.tags.names()) == ["handover", "rostering"]
            and [r.slug for r in c.roles.all()] == ["ward-manager"]
        ),
        reason="Changed purpose, join policy, entry question, capacity, weekly rhythm, roles, tags",
    ),
    # Join requests and invite links: the circles app's views and services.
    Action(
        "admit request",
        ModerationVerb.ADMIT,
        lambda w: (
            (reverse("circles:admit", args=[w.circle.slug, (m := _pending(w)).pk]), {}) + (m,)
        ),
        lambda w, m: Membership.objects.get(pk=m.pk).state == MembershipState.ACTIVE,
    ),
    Action(
        "decline request",
        ModerationVerb.DECLINE,
        lambda w: (
            (
                reverse("circles:decline", args=[w.circle.slug, (m := _pending(w)).pk]),
                {"reason": "Not a ward manager"},
            )
            + (m,)
        ),
        lambda w, m: Membership.objects.get(pk=m.pk).state == MembershipState.DECLINED,
        reason="Not a ward manager",
    ),
    Action(
        "create invite link",
        ModerationVerb.INVITE_CREATE,
        lambda w: (reverse("circles:invites", args=[w.circle.slug]), {"days": "14"}),
        lambda w, _: Invite.objects.filter(circle=w.circle).exists(),
    ),
    Action(
        "revoke invite link",
        ModerationVerb.INVITE_REVOKE,
        lambda w: (
            (reverse("circles:invite_revoke", args=[w.circle.slug, (i := _invite(w)).pk]), {})
            + (i,)
        ),
        lambda w, i: Invite.objects.get(pk=i.pk).revoked_at is not None,
    ),
    Action(
        "archive circle",
        ModerationVerb.ARCHIVE,
        lambda w: (_url("archive", w), {"reason": "The pilot ended"}),
        lambda w, _: Circle.objects.get(pk=w.circle.pk).is_archived,
        reason="The pilot ended",
    ),
]


def _prepare(action, world):
    prepared = action.prepare(world)
    url, data = prepared[0], prepared[1]
    extra = prepared[2] if len(prepared) > 2 else None
    return url, data, extra


def _snapshot(world):
    """Everything a moderation action could change."""
    return (
        list(
            ActionLog.objects.order_by("pk").values_list(
                "pk", "is_hidden", "pinned_at", "locked_at"
            )
        ),
        list(Response.objects.order_by("pk").values_list("pk", "is_hidden", "hidden_reason")),
        list(Report.objects.order_by("pk").values_list("pk", "state")),
        list(Membership.objects.order_by("pk").values_list("pk", "state", "kind")),
        list(Circle.objects.order_by("pk").values_list("pk", "purpose", "status", "capacity")),
        list(Invite.objects.order_by("pk").values_list("pk", "revoked_at")),
        sorted(Circle.roles.through.objects.values_list("circle_id", "role_id")),
        ModerationAction.objects.count(),
    )


@pytest.mark.parametrize("actor", ["facilitator", "staff"])
@pytest.mark.parametrize("action", ACTIONS, ids=[a.name for a in ACTIONS])
def test_facilitator_action_succeeds_and_is_audited(client, world, action, actor):
    user = getattr(world, actor)
    url, data, extra = _prepare(action, world)
    before = ModerationAction.objects.count()
    client.force_login(user)
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert action.done(world, extra)
    assert ModerationAction.objects.count() == before + 1
    record = ModerationAction.objects.first()  # newest first
    assert record.verb == action.verb
    assert record.actor == user
    assert record.circle_id == world.circle.pk
    assert record.target_label
    assert record.reason == action.reason


REFUSED = [
    # (who, status): not in the circle → 404; in it without powers → 403.
    ("member", 403),
    ("author", 403),
    ("other_facilitator", 404),
    ("removed_facilitator", 404),
    ("demoted_facilitator", 403),
]


@pytest.mark.parametrize(("who", "status"), REFUSED)
@pytest.mark.parametrize("action", ACTIONS, ids=[a.name for a in ACTIONS])
def test_action_refused_for_others_and_changes_nothing(client, world, action, who, status):
    url, data, extra = _prepare(action, world)
    before = _snapshot(world)
    client.force_login(getattr(world, who))
    assert client.post(url, data).status_code == status
    looked = client.get(url)  # refused, or (a circle's POST-only action) the public circle page
    assert looked.status_code in (status, 405) or looked.url == world.circle.get_absolute_url()
    assert _snapshot(world) == before
    assert not action.done(world, extra)


def test_anonymous_is_sent_to_sign_in(client, world):
    url = _url("log_pin", world, world.log.pk)
    response = client.post(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert ActionLog.objects.get(pk=world.log.pk).pinned_at is None


PAGES = ["queue", "audit", "health", "health_csv", "settings", "members", "logs", "archive"]


@pytest.mark.parametrize("page", PAGES)
def test_facilitator_pages_open_for_facilitator_and_staff_only(client, world, page):
    url = _url(page, world)
    for user in (world.facilitator, world.staff):
        client.force_login(user)
        assert client.get(url).status_code == 200
    for who, status in REFUSED:
        client.force_login(getattr(world, who))
        assert client.get(url).status_code == status, who


def test_hide_without_reason_is_refused_with_a_message(client, world):
    client.force_login(world.facilitator)
    response = client.post(_url("response_hide", world, world.response.pk), {"reason": "  "})
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert not Response.objects.get(pk=world.response.pk).is_hidden
    assert not ModerationAction.objects.filter(verb=ModerationVerb.HIDE).exists()


def test_hidden_text_is_kept_and_author_sees_reason_in_queue_flow(client, world):
    client.force_login(world.facilitator)
    queue = client.get(_url("queue", world)).content.decode()
    assert "Stop moaning, everyone copes." in queue  # the reported text
    assert "Disrespectful or unkind" in queue and "Unkind." in queue  # reason and details
    assert world.member.display_name in queue  # who reported it
    client.post(_url("response_hide", world, world.response.pk), {"reason": "Unkind to a peer"})
    hidden = Response.objects.get(pk=world.response.pk)
    assert hidden.body == "Stop moaning, everyone copes."  # kept, not deleted
    assert hidden.hidden_reason == "Unkind to a peer"
    assert "Stop moaning" not in client.get(_url("queue", world)).content.decode()
    audit = client.get(_url("audit", world)).content.decode()
    assert "Unkind to a peer" in audit and world.facilitator.display_name in audit


def test_last_facilitator_cannot_step_down_or_be_removed(client, world):
    client.force_login(world.facilitator)
    client.post(_url("facilitator_demote", world, world.co_facilitator.pk))
    mine = Membership.objects.get(circle=world.circle, member=world.facilitator)
    response = client.post(_url("facilitator_demote", world, mine.pk), follow=True)
    assert "needs a facilitator" in response.content.decode()
    assert Membership.objects.get(pk=mine.pk).kind == MembershipKind.FACILITATOR


def test_capacity_below_active_members_is_refused(client, world):
    client.force_login(world.facilitator)
    response = client.post(
        _url("settings", world),
        {"name": "X", "purpose": "P", "join_policy": "open", "entry_question": "",
         "capacity": "2", "rhythm_weekday": "0", "tags": ""},
    )  # fmt: skip
    assert response.status_code == 200
    assert "capacity cannot be lower" in response.content.decode()
    assert Circle.objects.get(pk=world.circle.pk).capacity == 20


def test_audit_log_is_newest_first(client, world):
    client.force_login(world.facilitator)
    client.post(_url("log_pin", world, world.log.pk))
    client.post(_url("log_lock", world, world.log.pk))
    page = client.get(_url("audit", world)).content.decode()
    rows = page[page.index("<tbody>") :]
    removed = world.removed_facilitator.display_name
    assert rows.index("Locked Log") < rows.index("Pinned Log") < rows.index(f"Removed {removed}")


def test_facilitator_who_steps_down_loses_powers_at_once(client, world):
    mine = Membership.objects.get(circle=world.circle, member=world.facilitator)
    client.force_login(world.facilitator)
    response = client.post(_url("facilitator_demote", world, mine.pk))
    assert response["Location"] == reverse("circles:detail", args=[world.circle.slug])
    assert Membership.objects.get(pk=mine.pk).kind == MembershipKind.MEMBER
    assert client.get(_url("queue", world)).status_code == 403
    assert client.post(_url("log_pin", world, world.log.pk)).status_code == 403
    assert ActionLog.objects.get(pk=world.log.pk).pinned_at is None
    record = ModerationAction.objects.first()
    assert (record.verb, record.actor, record.target_member) == (
        ModerationVerb.DEMOTE, world.facilitator, world.facilitator,
    )  # fmt: skip


def test_hiding_from_the_queue_without_a_reason_shows_the_error_summary(client, world):
    """HTMX answer: the reports list, with the site's error summary on that item, linked to
    its reason field; nothing is hidden."""
    client.force_login(world.facilitator)
    url = reverse("facilitation:response_hide", args=[world.circle.slug, world.response.pk])
    response = client.post(url, {"reason": " "}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    field_id = f"hide-reason-response-{world.response.pk}"
    summary = html[html.find('class="error-summary"') :]
    assert 'class="error-summary"' in html and 'role="alert"' in summary[:200]
    assert f'href="#{field_id}"' in summary
    assert "Please say why you are hiding it" in summary
    assert re.search(rf'<input[^>]*id="{field_id}"[^>]*aria-invalid="true"', html)
    assert not Response.objects.get(pk=world.response.pk).is_hidden
