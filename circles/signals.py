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
