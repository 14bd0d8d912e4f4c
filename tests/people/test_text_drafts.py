"""The log and response forms' autosave: her unsent text is kept on the server under the
form's key, for her alone; a response posted after the session ended sends her to sign in
and back to the log, where her text is put back."""

import pytest
from django.urls import reverse

from circles.models import TextDraft

pytestmark = pytest.mark.django_db


def url(key):
    return reverse("circles:draft", kwargs={"key": key})


def test_a_draft_is_kept_for_her_and_comes_back(client, people):
    client.force_login(people.member)
    saved = client.post(url("response-7"), {"body": "What if we @Grace", "kind": "question"})
    assert saved.status_code == 200 and "Draft saved at" in saved.content.decode()
    assert client.get(url("response-7")).json()["fields"] == {"body": "What if we @Grace"}
    client.force_login(people.author)
    assert client.get(url("response-7")).json()["fields"] is None


def test_a_sent_form_forgets_its_draft(client, people):
    client.force_login(people.member)
    client.post(url("log-new-3"), {"title": "Rota"})
    assert client.delete(url("log-new-3")).status_code == 204
    assert not TextDraft.objects.exists()


def test_a_signed_out_autosave_answers_401_and_keeps_nothing(client, people):
    answer = client.post(url("log-new-3"), {"title": "Rota"})
    assert answer.status_code == 401 and "Sign in again" in answer.content.decode()
    assert not TextDraft.objects.exists()


def test_an_unknown_form_key_is_refused(client, people):
    client.force_login(people.member)
    assert client.post(url("anything"), {"title": "x"}).status_code == 404


def test_a_response_after_the_session_ended_leads_back_to_the_log(client, people):
    log = people.log
    post_url = reverse("circles:response_create", kwargs={"slug": log.circle.slug, "pk": log.pk})
    answer = client.post(post_url, {"kind": "question", "body": "Why?"})
    log_url = reverse("circles:log_detail", kwargs={"slug": log.circle.slug, "pk": log.pk})
    assert answer.status_code == 302
    assert answer["Location"].endswith("?next=" + log_url.replace("/", "%2F"))
    htmx = client.post(
        post_url, {"kind": "question", "body": "Why?"}, headers={"HX-Request": "true"}
    )
    assert htmx.status_code == 204 and "next=" in htmx["HX-Redirect"]


def test_the_forms_carry_their_draft_keys(client, people):
    client.force_login(people.member)
    log = people.log
    page = client.get(reverse("circles:log_detail", kwargs={"slug": log.circle.slug, "pk": log.pk}))
    assert f'data-draft-key="response-{log.pk}"' in page.content.decode()
    form = client.get(reverse("circles:log_create", kwargs={"slug": log.circle.slug}))
    assert f'data-draft-key="log-new-{log.circle.pk}"' in form.content.decode()


def test_a_member_keeps_her_newest_drafts_and_saving_never_fails(people):
    from circles.drafts import KEPT_MAX, text_draft_save

    for n in range(KEPT_MAX + 2):
        text_draft_save(member=people.member, key=f"response-{n + 1}", fields={"body": f"{n}"})
    kept = TextDraft.objects.filter(member=people.member)
    assert kept.count() == KEPT_MAX
    assert not kept.filter(key__in=["response-1", "response-2"]).exists()
