"""What the commons announces to the apps above it (notifications emails people). Sent
inside the transaction that made the change; receivers only record and enqueue."""

from django.dispatch import Signal

# A member asked a lesson's author a question. Sent with ``question``.
lesson_question_asked = Signal()

# The author answered a question on her lesson. Sent with ``question``.
lesson_question_answered = Signal()

# Someone other than its author withdrew a lesson. Sent with ``withdrawal``.
lesson_withdrawn = Signal()

# A member reported a lesson to staff. Sent with ``report``.
lesson_reported = Signal()

# A member opened a lesson's page. Sent with ``user`` and ``lesson``.
lesson_seen = Signal()
