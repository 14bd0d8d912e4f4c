"""Email backends for tests."""

import smtplib

from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.locmem import EmailBackend


class BrokenSMTPBackend(BaseEmailBackend):
    """An SMTP server that cannot be reached."""

    def open(self):
        raise smtplib.SMTPConnectError(421, "Service not available")

    def send_messages(self, email_messages):
        self.open()


class DirectoryBackend(BaseEmailBackend):
    """One ``.eml`` file per message in ``settings.NOTIFICATIONS_TEST_MAIL_DIR``, so a test
    can count what a separate worker process sent.

    With a ``BLOCK`` file in the directory (and no ``KILLED`` file yet) the first send
    writes ``pid`` (the worker child's process id) and waits to be killed: a worker that
    dies mid-batch, after claiming its rows and before sending anything.
    """

    def send_messages(self, email_messages):
        import os
        import time
        import uuid
        from pathlib import Path

        from django.conf import settings

        folder = Path(settings.NOTIFICATIONS_TEST_MAIL_DIR)
        if (folder / "BLOCK").exists() and not (folder / "KILLED").exists():
            (folder / "pid").write_text(str(os.getpid()))
            time.sleep(120)
        for message in email_messages:
            name = folder / f"{uuid.uuid4().hex}.eml"
            name.write_bytes(message.message().as_bytes())
        return len(email_messages)


class WorkerKilled(BaseException):
    """Stands for a SIGKILL: nothing after it runs, no ``except Exception`` sees it."""


class DyingBackend(EmailBackend):
    """The SMTP server accepts ``die_after`` messages; the worker dies while sending the
    next one (it never reaches the server). ``None`` lets everything through."""

    die_after: int | None = None

    def send_messages(self, email_messages):
        accepted = 0
        for message in email_messages:
            if DyingBackend.die_after is not None and len(mail.outbox) >= DyingBackend.die_after:
                raise WorkerKilled
            accepted += super().send_messages([message])
        return accepted


class RefusingBackend(EmailBackend):
    """Refuses every message to an address that starts with ``refused``."""

    def send_messages(self, email_messages):
        for message in email_messages:
            if any(address.startswith("refused") for address in message.to):
                raise smtplib.SMTPRecipientsRefused({message.to[0]: (550, b"No such user")})
        return super().send_messages(email_messages)
