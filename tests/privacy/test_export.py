"""Export my data: a zip with a JSON file per kind and an index, built by streaming; an
email with a signed link that works only for her, for PRIVACY_EXPORT_DAYS days; the file is
deleted after that."""

import datetime as dt
import io
import json
import re
import smtplib
import tracemalloc
import zipfile

import pytest
import time_machine
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from circles.models import ActionLog, LogState
from privacy.models import DataExport, ExportState
from privacy.services.exports import (
    export_build,
    export_request,
    export_token,
    exports_expire,
)
from tests.factories import CircleFactory, UserFactory
from tests.privacy.conftest import ALICE_EMAIL, ALICE_LOG_TEXT, ALICE_NAME


@pytest.fixture(autouse=True)
def export_dir(settings, tmp_path):
    settings.PRIVACY_EXPORT_DIR = tmp_path / "exports"
    return settings.PRIVACY_EXPORT_DIR


def link_in(message) -> str:
    return re.search(r"http://testserver(/me/data/download/[^/\s]+/)", message.body).group(1)


def zip_of(response) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def test_requesting_on_the_page_emails_her_a_link_to_the_zip(
    world, client, mailoutbox, tasks_run_at_once, django_capture_on_commit_callbacks
):
    client.force_login(world.alice)
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(reverse("privacy:my_data"), follow=True)
    assert "We are putting your data together" in page.content.decode()
    [message] = mailoutbox
    assert message.to == [ALICE_EMAIL] and "ready" in message.subject
    download = client.get(link_in(message))
    assert download.status_code == 200
    assert "attachment" in download["Content-Disposition"]
    archive = zip_of(download)
    assert "index.html" in archive.namelist()
    logs = json.loads(archive.read("logs.json"))
    assert [log["situation"] for log in logs] == [ALICE_LOG_TEXT]
    assert json.loads(archive.read("profile.json"))[0]["display_name"] == ALICE_NAME
    index = archive.read("index.html").decode()
    assert "logs.json" in index and "what you learned" in index
    readable = archive.read("logs.html").decode()
    assert "<h2>Handover huddles</h2>" in readable and ALICE_LOG_TEXT in readable


def test_the_export_holds_her_data_and_only_names_of_others(world):
    export = export_build(export_id=export_request(member=world.alice).pk)
    archive = zipfile.ZipFile(export.path)
    responses = json.loads(archive.read("responses.json"))
    reply = next(r for r in responses if r["parent_id"])
    assert reply["body"] == "They liked the board."
    assert reply["parent__author__profile__display_name"] == "Bob Okafor"
    to_mine = json.loads(archive.read("responses_to_my_logs.json"))
    assert [r["author__profile__display_name"] for r in to_mine] == ["Bob Okafor"]
    assert to_mine[0]["helpful_at"]  # the helpful mark she gave
    everything = b"".join(archive.read(n) for n in archive.namelist())
    assert b"what did the day team say" not in everything  # Bob's words are his
    assert b"Rota gaps" not in everything  # the title of Bob's log she answered
    for name in ("memberships", "reports", "digests_sent", "nudges_sent", "roles", "log_tags"):
        assert json.loads(archive.read(f"{name}.json")), name


def test_nobody_else_can_download_it(world, client):
    export = export_build(export_id=export_request(member=world.alice).pk)
    url = reverse("privacy:export_download", kwargs={"token": export_token(export)})
    assert client.get(url).status_code == 302  # signed out: sign in first
    client.force_login(world.bob)
    assert client.get(url).status_code == 404
    client.force_login(world.alice)
    assert client.get(url).status_code == 200


def test_a_guessed_or_altered_link_finds_nothing(world, client):
    export = export_build(export_id=export_request(member=world.alice).pk)
    client.force_login(world.bob)
    forged = signing.dumps({"e": export.pk, "u": world.bob.pk}, salt="wrong-salt")
    for token in (forged, "1", export_token(export)[:-2] + "xx"):
        url = reverse("privacy:export_download", kwargs={"token": token})
        assert client.get(url).status_code == 404
    # Bob's own token names his id, never Alice's export.
    bob_token = signing.dumps({"e": export.pk, "u": world.bob.pk}, salt="privacy.export")
    url = reverse("privacy:export_download", kwargs={"token": bob_token})
    assert client.get(url).status_code == 404


def test_only_she_can_ask_for_her_export(world, client):
    client.force_login(world.bob)
    client.post(reverse("privacy:my_data"))
    assert list(DataExport.objects.values_list("member", flat=True)) == [world.bob.pk]
    assert client.get(reverse("privacy:my_data")).status_code == 200
    client.logout()
    assert client.post(reverse("privacy:my_data")).status_code == 302
    assert DataExport.objects.count() == 1


def test_the_link_expires_and_the_file_is_deleted(world, client, settings):
    export = export_build(export_id=export_request(member=world.alice).pk)
    url = reverse("privacy:export_download", kwargs={"token": export_token(export)})
    client.force_login(world.alice)
    later = timezone.now() + dt.timedelta(days=settings.PRIVACY_EXPORT_DAYS, minutes=1)
    with time_machine.travel(later):
        assert client.get(url).status_code == 404
        assert exports_expire() == 1
    assert not export.path.exists()
    assert DataExport.objects.get(pk=export.pk).state == ExportState.EXPIRED


def test_asking_twice_while_it_is_built_makes_one_export(world):
    first = export_request(member=world.alice)
    assert export_request(member=world.alice).pk == first.pk


def test_a_build_killed_mid_way_is_finished_by_the_rerun_and_emails_once(
    world, export_dir, mailoutbox
):
    export = export_request(member=world.alice)
    export_dir.mkdir(parents=True)
    (export_dir / "leftover.zip.part").write_bytes(b"half a zip")  # the killed worker's
    export_build(export_id=export.pk)
    export_build(export_id=export.pk)  # a redelivered message
    export.refresh_from_db()
    assert export.state == ExportState.READY and zipfile.is_zipfile(export.path)
    assert len(mailoutbox) == 1
    # The nightly purge removes the killed build's leftover once it is a day old.
    with time_machine.travel(timezone.now() + dt.timedelta(days=1, minutes=1)):
        exports_expire()
    assert not (export_dir / "leftover.zip.part").exists()


@pytest.mark.django_db
def test_memory_stays_bounded_with_5000_logs(export_dir):
    member = UserFactory()
    circle = CircleFactory()
    text = "x" * 1000
    now = timezone.now()
    ActionLog.objects.bulk_create(
        ActionLog(
            circle=circle,
            author=member,
            title=f"Log {i}",
            situation=text,
            outcome=text,
            state=LogState.PUBLISHED,
            published_at=now,
        )
        for i in range(5000)
    )
    # Warm up: the first build imports modules and compiles templates, kept for good.
    export_build(export_id=export_request(member=UserFactory()).pk)
    export = export_request(member=member)
    tracemalloc.start()
    export_build(export_id=export.pk)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    export.refresh_from_db()
    logs = json.loads(zipfile.ZipFile(export.path).read("logs.json"))
    assert len(logs) == 5000
    whole = len(json.dumps(logs))  # about 10 MB of JSON
    assert whole > 10_000_000
    assert peak < whole / 10, f"peak {peak:,} bytes for {whole:,} bytes of logs"


def test_an_email_that_failed_is_sent_by_the_sweep(world, settings, mailoutbox, tasks_run_at_once):
    from privacy.tasks import sweep_task

    settings.EMAIL_BACKEND = "tests.notifications.mailbackends.BrokenSMTPBackend"
    export = export_request(member=world.alice)
    with pytest.raises(smtplib.SMTPException):
        export_build(export_id=export.pk)
    export.refresh_from_db()
    assert export.state == ExportState.READY and export.emailed_at is None
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=11)):
        sweep_task.apply().get()
    assert [m.to for m in mailoutbox] == [[ALICE_EMAIL]]
