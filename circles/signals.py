"""What circles announces to the apps built on it, which connect their receivers in their
``AppConfig.ready()``. Sent inside the transaction that made the change, so a receiver
that writes a row writes it in the same transaction. Receivers only record and enqueue:
the decision is taken before the signal is sent.
"""

from django.dispatch import Signal

# A response or a reply was saved. Sent with ``response``.
response_posted = Signal()

# A facilitator hid or restored a log or a response. Sent with ``actor``, ``log`` and
# ``response`` (one of them None), ``hidden`` (bool) and ``reason``.
content_moderated = Signal()

# A facilitator admitted or declined a request to join. Sent with ``actor``, ``membership``,
# ``admitted`` (bool) and ``reason`` (empty when none was given).
join_request_decided = Signal()

# A facilitator created or revoked an invite link. Sent with ``actor`` and ``invite``.
invite_created = Signal()
invite_revoked = Signal()

# Someone asked to join a circle that takes requests. Sent with ``membership`` (pending).
join_requested = Signal()

# A published log or response names members of its circle with ``@Name``. Sent with
# ``actor``, ``log`` and ``response`` (None for a log) and ``member_ids``: the active
# members to tell (never the writer, at most ``circles.mentions.MENTIONS_NOTIFIED``).
mentioned = Signal()

# Someone reported a log or a response to the circle's facilitators (facilitation). Sent
# with ``reporter``, ``circle``, ``log`` and ``response`` (None for a log).
report_filed = Signal()

# A facilitator decided what was reported: hid it, restored it or dismissed its reports.
# Sent with ``actor``, ``log`` and ``response`` (None for a log).
report_decided = Signal()

# A member opened a log's page, and saw what it shows by now. Sent with ``user``,
# ``log_id`` (the page may come from the cache, with no log loaded) and ``request``.
log_seen = Signal()
