"""Email backends for tests."""

import smtplib

from django.core.mail.backends.base import BaseEmailBackend


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
