"""The lessons commons end to end through its pages: sharing (with the identifier check),
browsing, marking useful, asking the author and her answer, withdrawing (audited, the
author told) and reporting (to staff) — and that an anonymous lesson never gives away who
shared it or where from."""

import re
from urllib.parse import quote

import pytest
from django.core import mail
from django.urls import reverse

from commons.models import Lesson, LessonState, LessonWithdrawal
from notifications.models import Notification
from tests.factories import (
    ActionLogFactory,
    CircleFactory,
    FacilitatorFactory,
    LessonFactory,
    MembershipFactory,
    RoleFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

# A valid NHS number (mod 11) and the same digits with the check digit wrong.
NHS = "943 476 5919"


@pytest.fixture
def world():
    role = RoleFactory(name="Ward manager", slug="ward-manager")
    circle = CircleFactory(name="Riverside ward managers", slug="riverside")
    author = MembershipFactory(circle=circle).member
    author.email = "nadia.ward@example.org"
    author.save()
    profile = author.profile
    profile.display_name = "Nadia Ward"
    profile.organisation = "St Elsewhere NHS Trust"
    profile.save()
    profile.roles.add(role)
    colleague = MembershipFactory(circle=circle).member
    colleague.profile.display_name = "Priya Shah"
    colleague.profile.save()
    log = ActionLogFactory(
        circle=circle,
        author=author,
        title="A board at handover",
        situation="Handovers overran by twenty minutes.",
        action="A printed board at the huddle.",
        outcome="On time four days out of five.",
        insight="People read a board they can point at.",
    )
    official = UserFactory()
    official.profile.display_name = "Omar City"
    official.profile.save()
    return role, circle, author, colleague, log, official


def share_data(role, **changes):
    data = {
        "title": "A board at handover",
        "situation": "Handovers overran.",
        "action": "A printed board.",
        "outcome": "On time four days out of five.",
        "insight": "People read a board they can point at.",
        "tags": "handover, boards",
        "credit": "role_region",
        "role": role.pk,
        "region": "north_west",
    }
    return {**data, **changes}


IDENTITY = ("Nadia", "nadia.ward@example.org", "St Elsewhere", "Riverside")


def assert_anonymous(html: str):
    for giveaway in IDENTITY:
        assert giveaway not in html, giveaway


def test_the_share_form_is_prefilled_from_the_log_and_checks_it(client, world):
    role, circle, author, colleague, log, official = world
    log.insight = f"Priya Shah saw it first; patient {NHS} was discharged."
    log.save()
    client.force_login(author)
    page = client.get(reverse("commons:share", args=[log.pk]))
    body = page.content.decode()
    assert "A board at handover" in body
    assert "NHS number: “943 476 5919”" in body
    assert "Name of someone in your circles: “Priya Shah”" in body


def test_an_nhs_number_stops_sharing_until_it_is_fixed(client, world):
    role, circle, author, colleague, log, official = world
    client.force_login(author)
    url = reverse("commons:share", args=[log.pk])
    page = client.post(url, share_data(role, outcome=f"Patient {NHS} went home early."))
    assert page.status_code == 200
    assert "NHS number" in page.content.decode()
    assert not Lesson.objects.exists()
    page = client.post(url, share_data(role, outcome="The patient went home early."))
    lesson = Lesson.objects.get()
    assert page.status_code == 302 and page["Location"] == lesson.get_absolute_url()
    assert lesson.is_listed and lesson.source_log == log and lesson.circle == circle
    assert sorted(lesson.tags.names()) == ["boards", "handover"]


def test_a_finding_she_confirms_is_shared_but_only_for_the_text_she_checked(client, world):
    role, circle, author, colleague, log, official = world
    client.force_login(author)
    url = reverse("commons:share", args=[log.pk])
    data = share_data(role, insight="Priya Shah's idea worked.")
    checked = client.post(url, data).context["checked"]
    changed = {**data, "insight": f"Priya Shah's idea worked for {NHS}.", "confirm": "on",
               "checked": checked}  # fmt: skip
    assert client.post(url, changed).status_code == 200
    assert not Lesson.objects.exists()
    assert client.post(url, {**data, "confirm": "on", "checked": checked}).status_code == 302
    assert Lesson.objects.get().insight == "Priya Shah's idea worked."


@pytest.mark.parametrize("who", ["colleague", "official"])
def test_only_the_author_may_share(client, world, who):
    role, circle, author, colleague, log, official = world
    client.force_login(colleague if who == "colleague" else official)
    page = client.post(reverse("commons:share", args=[log.pk]), share_data(role))
    assert page.status_code == (403 if who == "colleague" else 404)
    assert not Lesson.objects.exists()


def test_a_hidden_log_cannot_be_shared(client, world):
    role, circle, author, colleague, log, official = world
    log.is_hidden = True
    log.save()
    client.force_login(author)
    assert client.get(reverse("commons:share", args=[log.pk])).status_code == 403


def test_an_anonymous_lesson_never_says_who_or_where(client, world):
    role, circle, author, colleague, log, official = world
    client.force_login(author)
    client.post(reverse("commons:share", args=[log.pk]), share_data(role))
    lesson = Lesson.objects.get()
    client.force_login(official)
    for url in (
        lesson.get_absolute_url(),
        reverse("commons:browse"),
        reverse("search:search") + "?q=board",
    ):
        html = client.get(url).content.decode()
        assert "a ward manager in the North West" in html
        assert_anonymous(html)


def test_a_lesson_credited_by_name_shows_her_name(client, world):
    role, circle, author, colleague, log, official = world
    client.force_login(author)
    client.post(reverse("commons:share", args=[log.pk]), share_data(role, credit="name"))
    client.force_login(official)
    html = client.get(Lesson.objects.get().get_absolute_url()).content.decode()
    assert "From Nadia Ward" in html
    assert "Riverside" not in html


def test_ask_the_author_reaches_her_without_giving_her_away_and_her_answer_shows(
    client, world, tasks_run_at_once, django_capture_on_commit_callbacks
):
    role, circle, author, colleague, log, official = world
    lesson = LessonFactory(source_log=log, role=role, title="A board at handover")
    client.force_login(official)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("commons:ask", args=[lesson.pk]), {"body": "Which board did you buy?"})
    (asked,) = mail.outbox
    assert asked.to == ["nadia.ward@example.org"]
    assert "Which board did you buy?" in asked.body
    assert_anonymous(asked.subject + asked.body + asked.alternatives[0][0])
    question = lesson.questions.get()
    client.force_login(author)
    mine = client.get(reverse("commons:mine")).content.decode()
    assert "1 question waiting for your answer" in mine
    browse = client.get(reverse("commons:browse")).content.decode()
    assert "1 question on your lessons is waiting for your answer" in browse
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("commons:answer", args=[question.pk]), {"answer": "A whiteboard."})
    answered = mail.outbox[1]
    assert answered.to == [official.email]
    assert "A whiteboard." in answered.body
    assert_anonymous(answered.subject + answered.body + answered.alternatives[0][0])
    client.force_login(official)
    html = client.get(lesson.get_absolute_url()).content.decode()
    assert "The author answered" in html and "A whiteboard." in html
    assert_anonymous(html)


def _inbox_item(client, user) -> str:
    """Her one notification on ``/notifications/``, and the bell's count."""
    client.force_login(user)
    page = client.get(reverse("inbox:list")).content.decode()
    (item,) = re.findall(r'<li class="card notification[^>]*>.*?</li>', page, re.S)
    return item


def test_a_question_and_its_answer_ring_the_bell_with_a_link_to_the_lesson(client, world):
    role, circle, author, colleague, log, official = world
    lesson = LessonFactory(source_log=log, role=role, title="A board at handover")
    client.force_login(official)
    client.post(reverse("commons:ask", args=[lesson.pk]), {"body": "Which board?"})
    item = _inbox_item(client, author)
    assert "Omar City asked a question about your lesson “A board at handover”" in item
    (opened,) = re.findall(r'href="([^"]+)"', item)
    assert client.get(opened)["Location"] == lesson.get_absolute_url() + "#questions-title"
    assert _unread(client, author) == 0
    question = lesson.questions.get()
    client.post(reverse("commons:answer", args=[question.pk]), {"answer": "A whiteboard."})
    assert _unread(client, official) == 1
    item = _inbox_item(client, official)
    assert "The author answered your question about “A board at handover”" in item
    assert_anonymous(item)
    assert_anonymous(client.get(reverse("inbox:list")).content.decode())
    (opened,) = re.findall(r'href="([^"]+)"', item)
    assert client.get(opened)["Location"] == lesson.get_absolute_url() + "#questions-title"


def _unread(client, user) -> int:
    from notifications.inbox import unread_count

    return unread_count(user)


def test_opening_the_lesson_marks_its_notifications_read(client, world):
    role, circle, author, colleague, log, official = world
    lesson = LessonFactory(source_log=log, role=role)
    other = LessonFactory(role=role)
    client.force_login(official)
    for each in (lesson, other):
        client.post(reverse("commons:ask", args=[each.pk]), {"body": "Which board?"})
    assert _unread(client, author) == 1
    client.force_login(author)
    client.get(lesson.get_absolute_url())
    assert _unread(client, author) == 0
    assert _unread(client, other.author) == 1


def test_a_withdrawn_lessons_notification_shows_no_link_and_no_content(client, world):
    role, circle, author, colleague, log, official = world
    lesson = LessonFactory(source_log=log, role=role, title="A board at handover")
    client.force_login(official)
    client.post(reverse("commons:ask", args=[lesson.pk]), {"body": "Which board?"})
    client.force_login(author)
    client.post(reverse("commons:answer", args=[lesson.questions.get().pk]), {"answer": "White."})
    client.post(reverse("commons:withdraw", args=[lesson.pk]))
    for user in (official, author):
        item = _inbox_item(client, user)
        assert "withdrawn" in item
        assert "href" not in item and "A board at handover" not in item
        notification = Notification.objects.get(recipient=user)
        opened = client.get(reverse("inbox:open", args=[notification.pk]))
        assert opened["Location"] == reverse("inbox:list")


def test_nobody_else_may_answer(client, world):
    role, circle, author, colleague, log, official = world
    lesson = LessonFactory(source_log=log, role=role)
    question = lesson.questions.create(asker=official, body="How?")
    client.force_login(colleague)
    client.post(reverse("commons:answer", args=[question.pk]), {"answer": "Like this."})
    question.refresh_from_db()
    assert question.answered_at is None


def test_marking_useful_counts_once_and_can_be_undone(client, world):
    role, circle, author, colleague, log, official = world
    lesson = LessonFactory(source_log=log, role=role)
    client.force_login(official)
    url = reverse("commons:useful", args=[lesson.pk])
    client.post(url)
    client.post(url)
    assert lesson.marks.count() == 1
    client.post(url, {"useful": "0"})
    assert lesson.marks.count() == 0


def test_the_author_withdraws_and_the_lesson_leaves_search_and_the_commons(client, world):
    role, circle, author, colleague, log, official = world
    lesson = LessonFactory(source_log=log, role=role, title="zqboard lesson")
    client.force_login(author)
    assert client.post(reverse("commons:withdraw", args=[lesson.pk])).status_code == 302
    lesson.refresh_from_db()
    assert lesson.state == LessonState.WITHDRAWN
    assert LessonWithdrawal.objects.get().actor_kind == "author"
    client.force_login(official)
    assert client.get(lesson.get_absolute_url()).status_code == 404
    assert "zqboard" not in client.get(reverse("commons:browse")).content.decode()
    assert "0 results" in client.get(reverse("search:search"), {"q": "zqboard"}).content.decode()


@pytest.mark.parametrize("who", ["facilitator", "staff"])
def test_a_facilitator_of_her_circle_or_staff_withdraw_with_a_reason_she_is_sent(
    client, world, who, tasks_run_at_once, django_capture_on_commit_callbacks
):
    role, circle, author, colleague, log, official = world
    lesson = LessonFactory(source_log=log, role=role)
    actor = (
        FacilitatorFactory(circle=circle).member
        if who == "facilitator"
        else UserFactory(is_staff=True)
    )
    client.force_login(actor)
    url = reverse("commons:withdraw", args=[lesson.pk])
    assert client.post(url, {"reason": ""}).status_code == 200  # a reason is needed
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"reason": "It names the ward."})
    record = LessonWithdrawal.objects.get()
    assert (record.actor, record.actor_kind, record.reason) == (actor, who, "It names the ward.")
    (told,) = mail.outbox
    assert told.to == [author.email] and "It names the ward." in told.body


@pytest.mark.parametrize("who", ["colleague", "official", "other_facilitator"])
def test_others_cannot_withdraw(client, world, who):
    role, circle, author, colleague, log, official = world
    lesson = LessonFactory(source_log=log, role=role)
    other_facilitator = FacilitatorFactory(circle=CircleFactory()).member
    user = {"colleague": colleague, "official": official, "other_facilitator": other_facilitator}[
        who
    ]
    client.force_login(user)
    client.post(reverse("commons:withdraw", args=[lesson.pk]), {"reason": "No."})
    lesson.refresh_from_db()
    assert lesson.is_listed
    assert not LessonWithdrawal.objects.exists()


def _as_seen_by(client, viewer, lesson) -> str:
    """The lesson page as ``viewer`` gets it, less what is hers alone (CSRF and one-time
    tokens, the number her browser keeps unsent text under, her own name and address)."""
    client.force_login(viewer)
    html = client.get(lesson.get_absolute_url()).content.decode()
    html = re.sub(r'(csrfmiddlewaretoken" value="|"X-CSRFToken": ")[^"]*', r"\1CSRF", html)
    html = html.replace(f'data-user="{viewer.pk}"', 'data-user="VIEWER"')
    html = re.sub(r'(name="once" value=")[^"]*', r"\1ONE-TIME TOKEN", html)
    for own in (viewer.profile.display_name, viewer.email):
        html = html.replace(own, "VIEWER")
    return html


def test_the_anonymous_lesson_page_does_not_tell_her_circles_facilitator_it_is_from_there(
    client, world
):
    role, circle, author, colleague, log, official = world
    lesson = LessonFactory(source_log=log, role=role)
    theirs = FacilitatorFactory(circle=circle).member
    others = FacilitatorFactory(circle=CircleFactory()).member
    for facilitator, name in ((theirs, "Fay Riverside"), (others, "Fay Elsewhere")):
        facilitator.profile.display_name = name
        facilitator.profile.save()
        facilitator.profile.roles.add(role)
    page = _as_seen_by(client, theirs, lesson)
    assert page == _as_seen_by(client, others, lesson)
    assert "Withdraw" not in page
    assert_anonymous(page)


@pytest.mark.parametrize("who", ["author", "staff"])
def test_the_author_and_staff_find_withdraw_on_the_anonymous_lesson_page(client, world, who):
    role, circle, author, colleague, log, official = world
    lesson = LessonFactory(source_log=log, role=role)
    client.force_login(author if who == "author" else UserFactory(is_staff=True))
    page = client.get(lesson.get_absolute_url()).content.decode()
    assert reverse("commons:withdraw", args=[lesson.pk]) in page


def test_her_circles_facilitator_still_finds_withdraw_on_a_lesson_under_her_name(client, world):
    role, circle, author, colleague, log, official = world
    lesson = LessonFactory(source_log=log, role=role, credit="name")
    client.force_login(FacilitatorFactory(circle=circle).member)
    page = client.get(lesson.get_absolute_url()).content.decode()
    assert reverse("commons:withdraw", args=[lesson.pk]) in page


def test_a_facilitator_withdraws_an_anonymous_lesson_from_her_circles_lessons_page(
    client, world, tasks_run_at_once, django_capture_on_commit_callbacks
):
    role, circle, author, colleague, log, official = world
    lesson = LessonFactory(source_log=log, role=role)
    LessonFactory(title="From another circle")
    facilitator = FacilitatorFactory(circle=circle).member
    client.force_login(facilitator)
    listing = reverse("facilitation:lessons", args=[circle.slug])
    page = client.get(listing).content.decode()
    assert lesson.title in page and "From another circle" not in page
    assert lesson.credit_line in page and "Nadia" not in page
    withdraw = f"{reverse('commons:withdraw', args=[lesson.pk])}?next={quote(listing, safe='')}"
    assert withdraw.replace("&", "&amp;") in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(withdraw, {"reason": "It names the ward."})
    assert response["Location"] == listing
    lesson.refresh_from_db()
    assert not lesson.is_listed
    assert LessonWithdrawal.objects.get().actor == facilitator
    assert lesson.title not in client.get(listing).content.decode()


@pytest.mark.parametrize("who", ["colleague", "other_facilitator"])
def test_only_her_circles_facilitators_see_its_lessons_page(client, world, who):
    role, circle, author, colleague, log, official = world
    LessonFactory(source_log=log, role=role)
    other = FacilitatorFactory(circle=CircleFactory()).member
    client.force_login(colleague if who == "colleague" else other)
    status = client.get(reverse("facilitation:lessons", args=[circle.slug])).status_code
    assert status == (403 if who == "colleague" else 404)


def test_a_report_goes_to_staff(
    client, world, tasks_run_at_once, django_capture_on_commit_callbacks
):
    role, circle, author, colleague, log, official = world
    staff = UserFactory(is_staff=True)
    lesson = LessonFactory(source_log=log, role=role)
    client.force_login(official)
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(
            reverse("commons:report", args=[lesson.pk]), {"reason": "Names a patient."}
        )
    assert page.status_code == 302
    (report,) = mail.outbox
    assert report.to == [staff.email] and "Names a patient." in report.body
    assert lesson.reports.get().reporter == official


def test_the_log_page_shows_related_lessons_from_elsewhere_only(client, world):
    """Lessons from the log's own circle, its own lesson among them, are not "from
    elsewhere": its members have read them as logs already."""
    role, circle, author, colleague, log, official = world
    elsewhere = LessonFactory(title="Boards in the contact centre", insight="A board at handover.")
    LessonFactory(source_log=ActionLogFactory(circle=circle), title="A board lesson from here")
    LessonFactory(source_log=log, title="This log's own board lesson")
    LessonFactory(
        source_log=ActionLogFactory(circle=circle, author=colleague), title="My own board lesson"
    )
    client.force_login(colleague)
    html = client.get(log.get_absolute_url()).content.decode()
    assert "Lessons from elsewhere" in html
    assert "Boards in the contact centre" in html and elsewhere.get_absolute_url() in html
    assert "A board lesson from here" not in html
    assert "This log's own board lesson" not in html
    assert "My own board lesson" not in html
    form = client.get(reverse("circles:log_edit", args=[circle.slug, log.pk]))
    assert form.status_code == 403  # not hers; her own edit page shows the panel too
    client.force_login(author)
    form = client.get(reverse("circles:log_edit", args=[circle.slug, log.pk])).content.decode()
    assert "Boards in the contact centre" in form


def _tag(html: str, name: str) -> str:
    return re.search(rf'<(?:textarea|input|select)[^>]*name="{name}"[^>]*>', html).group(0)


def test_each_finding_links_to_its_field_which_is_marked_invalid(client, world):
    role, circle, author, colleague, log, official = world
    log.outcome = f"Mrs Jones ({NHS}) went home by noon."
    log.insight = "Priya Shah saw it first."
    log.save()
    client.force_login(author)
    url = reverse("commons:share", args=[log.pk])
    for html in (
        client.get(url).content.decode(),
        client.post(
            url, share_data(role, outcome=log.outcome, insight=log.insight)
        ).content.decode(),
    ):
        assert re.search(r'<a href="#id_outcome">NHS number: “943 476 5919” in What happened', html)
        assert re.search(
            r'<a href="#id_insight">Name of someone in your circles: “Priya Shah”', html
        )
        for name in ("outcome", "insight"):
            field = _tag(html, name)
            assert 'aria-invalid="true"' in field and f"id_{name}_finding" in field
            assert f'id="id_{name}_finding"' in html
        assert "NHS number “943 476 5919”" in html.split('id="id_outcome_finding"')[1][:200]
        for name in ("title", "situation", "action"):
            assert "aria-invalid" not in _tag(html, name)


def test_the_region_is_hers_to_choose_never_assumed(client, world):
    role, circle, author, colleague, log, official = world
    client.force_login(author)
    url = reverse("commons:share", args=[log.pk])
    html = client.get(url).content.decode()
    region = re.search(r'<select name="region".*?</select>', html, re.S).group(0)
    assert re.search(r'<option value="" selected>Choose your region</option>', region)
    page = client.post(url, share_data(role, region=""))
    assert page.status_code == 200 and not Lesson.objects.exists()
    html = page.content.decode()
    assert '<a href="#id_region">Your region: Choose the region you work in.</a>' in html
    assert 'aria-invalid="true"' in _tag(html, "region")
    assert client.post(url, share_data(role, region="north_west")).status_code == 302
    assert Lesson.objects.get().region == "north_west"


def test_her_next_lesson_starts_from_the_region_she_chose_before(client, world):
    role, circle, author, colleague, log, official = world
    LessonFactory(source_log=ActionLogFactory(circle=circle, author=author), region="london")
    client.force_login(author)
    html = client.get(reverse("commons:share", args=[log.pk])).content.decode()
    assert '<option value="london" selected>London</option>' in html
