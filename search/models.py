"""The search index: one document per searchable row (a log, a response or reply, a
commons lesson), kept in step with the rows by database triggers (``search/sql.py``), so
every way a row is written — services, the admin, bulk loads — is indexed.

Nothing in Python writes these rows. Who may see a document is never stored here: a search
joins the documents to ``ActionLog.objects.visible_to``, ``Response.objects.visible_to``
and ``Lesson.objects.listed`` at query time.

PostgreSQL keeps a weighted ``tsvector`` (title A, body B) in ``vector``, with a GIN index;
SQLite keeps an FTS5 table over ``title`` and ``body`` (``search_document_fts``).
"""

from django.contrib.postgres.search import SearchVectorField
from django.db import models


class DocumentKind(models.TextChoices):
    LOG = "log", "Log"
    RESPONSE = "response", "Response"
    LESSON = "lesson", "Lesson"


class SearchDocument(models.Model):
    kind = models.CharField(max_length=16, choices=DocumentKind.choices)
    object_id = models.BigIntegerField()
    title = models.TextField(blank=True)
    body = models.TextField(blank=True)
    # PostgreSQL only (a trigger fills it); empty on SQLite, which searches its FTS5 table.
    vector = SearchVectorField(null=True, editable=False)
    # The circle of a log, or of the log a response answers (a trigger fills it); empty
    # for a lesson, which belongs to no circle. Only a hint that narrows a search to a
    # member's circles before the visibility rules are asked: never a rule itself.
    circle_id = models.BigIntegerField(null=True, editable=False)

    class Meta:
        db_table = "search_document"
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="one_document_per_row")
        ]
        indexes = [models.Index(fields=["circle_id"], name="search_document_circle_idx")]

    def __str__(self):
        return f"{self.kind} {self.object_id}"
