"""Members report what they see; facilitators work through the queue."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import NoReverseMatch, reverse

from circles.models import MembershipState, Response
from facilitation import services
from facilitation.models import ModerationAction, Report, ReportReason, ReportState
from tests.factories import (
    ActionLogFactory,
    MembershipFactory,
    ResponseFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _log_page_exists() -> bool:
    try:
        reverse("circles:log_detail", kwargs={"slug": "x", "pk": 1})
    except NoReverseMatch:
        return False
    return True


needs_log_page = pytest.mark.skipif(
    not _log_page_exists(), reason="needs the log page (circles:log_detail) from the logs work"
)


@needs_log_page
def test_report_form_lists_reasons(client, world):
    client.force_login(world.author)
    page = client.get(reverse("facilitation:report_response", args=[world.response.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    for label in ReportReason.labels:
        assert label in html
    assert 'name="details"' in html and "<h1>Report a response</h1>" in html


@needs_log_page
def test_member_reports_a_log_and_reporting_twice_is_harmless(client, world):
    client.force_login(world.member)
    url = reverse("facilitation:report_log", args=[world.log.pk])
    data = {"reason": ReportReason.CONFIDENTIAL, "details": "Names the patient in bed 4."}
    response = client.post(url, data)
    assert response.status_code == 302
    assert response["Location"] == world.log.get_absolute_url()
    report = Report.objects.get(log=world.log)
    assert (report.reporter, report.reason, report.circle) == (
        world.member, ReportReason.CONFIDENTIAL, world.circle,
    )  # fmt: skip
    response = client.post(url, {"reason": ReportReason.OTHER}, follow=True)
    assert "already reported" in response.content.decode()
    assert Report.objects.filter(log=world.log).count() == 1
    assert Report.objects.get(log=world.log).reason == ReportReason.CONFIDENTIAL
    assert "already reported" in client.get(url).content.decode()


@needs_log_page
def test_report_needs_a_reason_from_the_list(client, world):
    client.force_login(world.member)
    url = reverse("facilitation:report_log", args=[world.log.pk])
    response = client.post(url, {"reason": "because"})
    assert response.status_code == 200 and "There is a problem" in response.content.decode()
    assert not Report.objects.filter(log=world.log).exists()


def test_cannot_report_what_you_cannot_see(client, world):
    outsider = UserFactory()
    client.force_login(outsider)
    assert client.get(reverse("facilitation:report_log", args=[world.log.pk])).status_code == 404
    response = client.post(
        reverse("facilitation:report_response", args=[world.response.pk]),
        {"reason": ReportReason.OTHER},
    )
    assert response.status_code == 404
    # A removed member no longer sees the circle.
    client.force_login(world.removed_facilitator)
    assert client.get(reverse("facilitation:report_log", args=[world.log.pk])).status_code == 404
    # A hidden response is gone for members.
    Response.objects.filter(pk=world.response.pk).update(is_hidden=True, hidden_reason="x")
    client.force_login(world.author)
    url = reverse("facilitation:report_response", args=[world.response.pk])
    assert client.get(url).status_code == 404
    assert Report.objects.count() == 1  # only the fixture's report


def test_report_create_service_refuses_outsiders_and_is_idempotent(world):
    with pytest.raises(PermissionDenied):
        services.report_create(reporter=UserFactory(), log=world.log, reason=ReportReason.OTHER)
    again, created = services.report_create(
        reporter=world.member, response=world.response, reason=ReportReason.OTHER
    )
    assert not created and again == world.report


def test_hiding_resolves_only_that_targets_reports(world):
    other_report, _ = services.report_create(
        reporter=world.member, log=world.log, reason=ReportReason.OFF_TOPIC
    )
    second, _ = services.report_create(
        reporter=world.author, response=world.response, reason=ReportReason.UNSAFE
    )
    services.content_hide(actor=world.facilitator, response=world.response, reason="Unkind")
    states = dict(Report.objects.values_list("pk", "state"))
    assert states[world.report.pk] == states[second.pk] == ReportState.ACTIONED
    assert states[other_report.pk] == ReportState.OPEN
    assert Report.objects.get(pk=second.pk).resolved_by == world.facilitator


def test_dismissing_clears_every_open_report_on_that_content(client, world):
    second, _ = services.report_create(
        reporter=world.author, response=world.response, reason=ReportReason.UNSAFE
    )
    client.force_login(world.facilitator)
    page = client.get(reverse("facilitation:queue", args=[world.circle.slug])).content.decode()
    assert "Dismiss the 2 reports" in page
    client.post(reverse("facilitation:report_dismiss", args=[world.circle.slug, second.pk]))
    assert set(Report.objects.values_list("state", flat=True)) == {ReportState.DISMISSED}
    assert not Response.objects.get(pk=world.response.pk).is_hidden
    assert ModerationAction.objects.filter(verb="dismiss").count() == 1
    page = client.get(reverse("facilitation:queue", args=[world.circle.slug])).content.decode()
    assert "No open reports" in page


def test_queue_shows_pending_requests(client, world):
    MembershipFactory(
        circle=world.circle, state=MembershipState.PENDING, joined_at=None,
        entry_answer="I run ward 7 and nights are hard.",
    )  # fmt: skip
    client.force_login(world.facilitator)
    page = client.get(reverse("facilitation:queue", args=[world.circle.slug])).content.decode()
    assert "I run ward 7 and nights are hard." in page
    assert reverse("circles:admit", args=[world.circle.slug, 1]).rsplit("/", 3)[0] in page


def _fill_queue(world, n: int):
    for i in range(n):
        log = ActionLogFactory(circle=world.circle, author=world.author, title=f"Log {i}")
        response = ResponseFactory(log=log, author=world.other.member)
        for _ in range(2):
            reporter = MembershipFactory(circle=world.circle).member
            services.report_create(reporter=reporter, log=log, reason=ReportReason.OFF_TOPIC)
            services.report_create(reporter=reporter, response=response, reason=ReportReason.UNSAFE)
        MembershipFactory(circle=world.circle, state=MembershipState.PENDING, joined_at=None)


def test_queue_query_count_does_not_grow(client, world, django_assert_num_queries):
    client.force_login(world.facilitator)
    url = reverse("facilitation:queue", args=[world.circle.slug])
    counts = []
    for n in (0, 6):  # 1 report vs 25 reports on 13 items, 0 vs 6 requests
        _fill_queue(world, n)
        # user with profile, circle, the facilitator's membership, open reports
        # (+ reporters, logs, responses, authors), pending requests, 2 counts (the session
        # from the cache)
        with django_assert_num_queries(9) as ctx:  # with the bell and whose names link
            assert client.get(url).status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts == [9, 9]
    assert Report.objects.filter(state=ReportState.OPEN).count() == 25


def test_queue_decisions_work_in_place_with_htmx(client, world):
    client.force_login(world.facilitator)
    url = reverse("facilitation:response_hide", args=[world.circle.slug, world.response.pk])
    blank = client.post(url, {"reason": "   "}, HTTP_HX_REQUEST="true")
    assert blank.status_code == 200
    assert "There is a problem" in blank.content.decode()
    assert not Response.objects.get(pk=world.response.pk).is_hidden
    answer = client.post(url, {"reason": "Unkind to a peer"}, HTTP_HX_REQUEST="true")
    html = answer.content.decode()
    assert answer.status_code == 200
    assert '<section id="reports"' in html and "<html" not in html
    assert "Hidden. Members no longer see it" in html and "No open reports" in html
    assert Response.objects.get(pk=world.response.pk).hidden_reason == "Unkind to a peer"


def test_circle_page_links_facilitators_to_their_tools(client, world):
    url = reverse("circles:detail", args=[world.circle.slug])
    client.force_login(world.facilitator)
    page = client.get(url).content.decode()
    for name in ("queue", "health", "audit", "settings", "members"):
        assert reverse(f"facilitation:{name}", args=[world.circle.slug]) in page
    client.force_login(world.member)
    page = client.get(url).content.decode()
    assert reverse("facilitation:queue", args=[world.circle.slug]) not in page


def test_every_audit_entry_is_cut_to_its_fields_by_one_rule(world):
    """One writer of audit entries: a label too long for the log is put on one line and
    cut with an ellipsis, a reason is cut at its field's length."""
    from facilitation.services import moderation_record

    entry = moderation_record(
        circle=world.circle,
        actor=world.facilitator,
        verb="edit_circle",
        reason="r" * 600,
        label="Ward\nmanagers " * 40,
    )
    entry.refresh_from_db()
    assert len(entry.target_label) == 200 and entry.target_label.endswith("…")
    assert "\n" not in entry.target_label and entry.target_label.startswith("Ward managers")
    assert entry.reason == "r" * 500


def test_admitting_and_inviting_are_recorded_in_the_audit_log(world):
    """Circles decides requests and invite links; each decision lands in facilitation's
    audit log, in the same transaction."""
    from circles.models import JoinPolicy
    from circles.services.memberships import (
        invite_create,
        invite_revoke,
        membership_decline,
        membership_request,
    )
    from facilitation.models import ModerationVerb

    world.circle.join_policy = JoinPolicy.REQUEST
    world.circle.entry_question = "What brings you here?"
    world.circle.save()
    newcomer = UserFactory(email="newcomer@example.org")
    pending = membership_request(user=newcomer, circle=world.circle, answer="Handovers.")
    membership_decline(actor=world.facilitator, membership=pending, reason="Not a ward manager")
    invite = invite_create(actor=world.facilitator, circle=world.circle, days=7, max_uses=3)
    invite_revoke(actor=world.facilitator, invite=invite)

    entries = list(
        ModerationAction.objects.filter(
            circle=world.circle,
            verb__in=[
                ModerationVerb.DECLINE,
                ModerationVerb.INVITE_CREATE,
                ModerationVerb.INVITE_REVOKE,
            ],
        ).order_by("pk")
    )
    assert [(e.verb, e.actor) for e in entries] == [
        (ModerationVerb.DECLINE, world.facilitator),
        (ModerationVerb.INVITE_CREATE, world.facilitator),
        (ModerationVerb.INVITE_REVOKE, world.facilitator),
    ]
    assert entries[0].target_member == newcomer and entries[0].reason == "Not a ward manager"
    assert entries[1].target_label.startswith(f"Invite link #{invite.pk}, up to 3 people, expires")
    assert entries[2].target_label == f"Invite link #{invite.pk}"
