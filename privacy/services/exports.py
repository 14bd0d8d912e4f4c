"""Export my data: a zip of JSON files (one a kind, ``privacy.registry.EXPORTS``) and an
HTML index, built by streaming rows into the zip, then an email with a signed link.

Rows are read a page at a time, each page a short query of its own (keyset on the primary
key, ``privacy.batches``): however much she wrote, the build holds no transaction, lock or
server-side cursor open while it writes the zip, and keeps one page in memory."""

import datetime as dt
import json
import os
import secrets
import zipfile

from django.conf import settings
from django.core import signing
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Q
from django.template.loader import get_template, render_to_string
from django.urls import reverse
from django.utils import timezone

from circles.models import ActionLog
from members.models import User
from notifications.emails import absolute, message_build
from privacy.batches import pk_pages
from privacy.models import DataExport, ExportState
from privacy.registry import EXPORTS
from school.enqueue import task_enqueue_on_commit

CHUNK = 100  # rows held at once: a log can be 30 kB of text
SALT = "privacy.export"


def export_days() -> int:
    return settings.PRIVACY_EXPORT_DAYS


@transaction.atomic
def export_request(*, member: User, requested_by: User | None = None) -> DataExport:
    """Queue an export of ``member``'s data. One waiting export at a time: asking again
    while one is being built returns that one."""
    User.objects.select_for_update().filter(pk=member.pk).first()
    waiting = DataExport.objects.filter(member=member, state=ExportState.QUEUED).first()
    if waiting is not None:
        return waiting
    export = DataExport.objects.create(member=member, requested_by=requested_by or member)
    task_enqueue_on_commit("privacy.export_build", export.pk)
    return export


def export_token(export: DataExport) -> str:
    return signing.dumps({"e": export.pk, "u": export.member_id}, salt=SALT, compress=True)


def export_for_token(*, token: str, user: User) -> DataExport | None:
    """The ready export the signed ``token`` names, if it is ``user``'s and not expired."""
    try:
        data = signing.loads(token, salt=SALT, max_age=dt.timedelta(days=export_days()))
    except signing.BadSignature:
        return None
    if not user.is_authenticated or data.get("u") != user.pk:
        return None
    export = DataExport.objects.filter(
        pk=data.get("e"), member=user, state=ExportState.READY, expires_at__gt=timezone.now()
    ).first()
    if export is None or not export.path or not export.path.exists():
        return None
    return export


def export_build(*, export_id: int) -> DataExport | None:
    """Write the zip (to a temporary name, renamed when complete, so a worker killed
    mid-way leaves no half file under the real name; the re-run starts again), mark the
    export ready and send the email. Not one transaction: the file and the email are not
    the database's."""
    export = DataExport.objects.select_related("member").filter(pk=export_id).first()
    if export is None or export.state == ExportState.EXPIRED or not export.member.is_active:
        return None  # gone, expired, or her account is being erased
    if export.state == ExportState.QUEUED:
        _build_file(export)
    export_email_send(export_id=export.pk)
    return export


def _build_file(export: DataExport) -> None:
    folder = settings.PRIVACY_EXPORT_DIR
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{secrets.token_hex(16)}.zip"
    partial = folder / f"{name}.part"
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        counts = {kind.name: _write_kind(archive, kind, export.member) for kind in EXPORTS}
        _write_readable_logs(archive, export.member)
        index = render_to_string(
            "privacy/export_index.html",
            {
                "member": export.member,
                "rows": [(kind, counts[kind.name]) for kind in EXPORTS],
                "now": timezone.now(),
            },
        )
        archive.writestr("index.html", index)
    os.replace(partial, folder / name)
    now = timezone.now()
    export.file_name = name
    export.size = (folder / name).stat().st_size
    export.state = ExportState.READY
    export.ready_at = now
    export.expires_at = now + dt.timedelta(days=export_days())
    export.save(update_fields=["file_name", "size", "state", "ready_at", "expires_at"])


# The log's parts as the writer was asked for them, in the cycle's order.
LOG_PARTS = (
    ("situation", "The situation"),
    ("action", "What I tried"),
    ("prediction", "What I expected"),
    ("outcome", "What happened"),
    ("insight", "What I learned"),
    ("next_step", "My next step"),
    ("ask", "What I asked of the circle"),
)


def _write_readable_logs(archive: zipfile.ZipFile, member: User) -> None:
    """``logs.html``: her logs to read in a browser, written one log at a time."""
    one = get_template("privacy/_export_log.html")
    fields = ["id", "title", "circle__name", "state", "published_at", "created_at"]
    logs = (
        ActionLog.objects.filter(author=member)
        .order_by("created_at", "pk")
        .values(*fields, *(name for name, _ in LOG_PARTS), "next_step_due")
    )
    with archive.open("logs.html", "w") as raw:
        raw.write(render_to_string("privacy/_export_logs_head.html").encode())
        last = None
        while True:
            # Keyset on (created_at, id), the order she wrote them in: one page a query.
            page = logs
            if last is not None:
                page = page.filter(
                    Q(created_at__gt=last[0]) | Q(created_at=last[0], pk__gt=last[1])
                )
            rows = list(page[:CHUNK])
            if not rows:
                break
            for log in rows:
                parts = [(label, log[name]) for name, label in LOG_PARTS if log[name]]
                raw.write(one.render({"log": log, "parts": parts}).encode())
            last = (rows[-1]["created_at"], rows[-1]["id"])
        raw.write(b"</main></body></html>\n")


def _write_kind(archive: zipfile.ZipFile, kind, member: User) -> int:
    """Stream ``kind``'s rows into ``<name>.json``, a page of rows at a time."""
    count = 0
    rows = kind.queryset(member)
    with archive.open(f"{kind.name}.json", "w") as raw:
        raw.write(b"[")
        for ids in pk_pages(rows, CHUNK):
            for row in rows.filter(pk__in=ids):
                raw.write((",\n" if count else "\n").encode())
                raw.write(json.dumps(row, cls=DjangoJSONEncoder, ensure_ascii=False).encode())
                count += 1
        raw.write(b"\n]\n")
    return count


def export_email_send(*, export_id: int) -> bool:
    """Email her the link, at most once: claimed before the send, released if it fails."""
    now = timezone.now()
    claimed = DataExport.objects.filter(
        pk=export_id, state=ExportState.READY, emailed_at__isnull=True
    ).update(emailed_at=now)
    if not claimed:
        return False
    export = DataExport.objects.select_related("member__profile").get(pk=export_id)
    url = absolute(reverse("privacy:export_download", kwargs={"token": export_token(export)}))
    message = message_build(
        template="privacy_export_ready",
        context={"member": export.member, "url": url, "export": export, "days": export_days()},
        to=export.member.email,
        member_id=export.member_id,
        email_type=None,
    )
    try:
        message.send()
    except Exception:
        DataExport.objects.filter(pk=export_id).update(emailed_at=None)
        raise
    return True


def exports_past_date():
    """Ready exports whose link no longer works: their files are due for deletion."""
    return DataExport.objects.filter(state=ExportState.READY, expires_at__lte=timezone.now())


def exports_expire() -> int:
    """Delete the files of exports past their date; the rows stay, marked expired. Files no
    export names (a build killed mid-way, or one that lost a race with its redelivery) go
    once a day old."""
    _orphans_delete()
    count = 0
    past = exports_past_date()
    for ids in pk_pages(past, CHUNK):
        for export in past.filter(pk__in=ids):
            if export.path is not None:
                export.path.unlink(missing_ok=True)
            count += DataExport.objects.filter(pk=export.pk).update(
                state=ExportState.EXPIRED, file_name=""
            )
    return count


def _orphans_delete() -> None:
    folder = settings.PRIVACY_EXPORT_DIR
    if not folder.exists():
        return
    named = set(DataExport.objects.exclude(file_name="").values_list("file_name", flat=True))
    day_ago = (timezone.now() - dt.timedelta(days=1)).timestamp()
    for path in folder.glob("*.zip*"):
        if path.name not in named and path.stat().st_mtime < day_ago:
            path.unlink(missing_ok=True)


def export_files_delete(*, member: User) -> None:
    """Remove her export files from disk (erasure)."""
    for export in DataExport.objects.filter(member=member).exclude(file_name=""):
        export.path.unlink(missing_ok=True)


def exports_waiting(*, older_than: dt.timedelta) -> list[int]:
    """Exports still queued after ``older_than`` (a lost broker message or a killed build),
    and ready ones whose email was not sent (the send failed)."""
    now = timezone.now()
    unsent = Q(state=ExportState.READY, emailed_at__isnull=True, expires_at__gt=now)
    waiting = DataExport.objects.filter(Q(state=ExportState.QUEUED) | unsent)
    return list(waiting.filter(created_at__lt=now - older_than).values_list("pk", flat=True))
