import pytest


@pytest.fixture(autouse=True)
def _account_emails_sent_at_once(tasks_run_at_once):
    """Account emails are sent by a task: here it runs as soon as it is published, so a
    test reads the email right after the page that sends it."""
