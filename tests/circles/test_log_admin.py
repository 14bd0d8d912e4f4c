"""Staff can look action logs and responses up in the admin; Markdown edited there is
sanitised like everywhere else."""

import pytest
from django.urls import reverse

from tests.factories import ActionLogFactory, ResponseFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_admin_pages_for_logs_and_responses(client):
    staff = UserFactory(is_staff=True, is_superuser=True)
    response = ResponseFactory()
    log = response.log
    ActionLogFactory(circle=log.circle, author=log.author, follows=log)
    client.force_login(staff)
    for url in (
        reverse("admin:circles_actionlog_changelist"),
        reverse("admin:circles_actionlog_change", args=[log.pk]),
        reverse("admin:circles_response_changelist"),
        reverse("admin:circles_response_change", args=[response.pk]),
        reverse("admin:circles_actionlog_changelist") + "?q=Handover",
    ):
        assert client.get(url).status_code == 200, url


def test_markdown_edited_in_the_admin_is_sanitised(client):
    staff = UserFactory(is_staff=True, is_superuser=True)
    response = ResponseFactory(body="Plain at first.")
    client.force_login(staff)
    answer = client.post(
        reverse("admin:circles_response_change", args=[response.pk]),
        {"kind": "question", "body": "<script>alert(1)</script> **Fine** <img src=x onerror=a()>"},
    )
    assert answer.status_code == 302
    response.refresh_from_db()
    assert response.body.startswith("<script>")  # the source is kept as written
    assert "<script" not in response.body_html and "<img" not in response.body_html
    assert "<strong>Fine</strong>" in response.body_html


def test_admin_is_for_staff_only(client):
    client.force_login(UserFactory())
    assert client.get(reverse("admin:circles_actionlog_changelist")).status_code == 302


def test_admin_cannot_move_a_log_or_change_who_wrote_it(client):
    staff = UserFactory(is_staff=True, is_superuser=True)
    response = ResponseFactory()
    log = response.log
    author, circle, log_author = response.author, log.circle, log.author
    other_circle_log = ActionLogFactory()
    intruder = UserFactory()
    client.force_login(staff)
    page = client.get(reverse("admin:circles_actionlog_change", args=[log.pk])).content.decode()
    assert 'name="circle"' not in page and 'name="author"' not in page
    page = client.get(reverse("admin:circles_response_change", args=[response.pk])).content
    assert b'name="log"' not in page and b'name="author"' not in page
    # A crafted POST with those fields changes neither.
    client.post(
        reverse("admin:circles_response_change", args=[response.pk]),
        {"log": other_circle_log.pk, "author": intruder.pk, "kind": "question", "body": "x"},
    )
    response.refresh_from_db()
    assert (response.log_id, response.author_id) == (log.pk, author.pk)
    # Nor does one on the log's page.
    client.post(
        reverse("admin:circles_actionlog_change", args=[log.pk]),
        {"circle": other_circle_log.circle_id, "author": intruder.pk, "title": "Moved"},
    )
    log.refresh_from_db()
    assert (log.circle_id, log.author_id) != (other_circle_log.circle_id, intruder.pk)
    assert (log.circle_id, log.author_id) == (circle.pk, log_author.pk)
