"""Report and ModerationAction now belong to facilitation. Their tables stay as they are
(``circles_report``, ``circles_moderationaction``), rows and all: only Django's record of
which app owns them changes (circles' 0007 forgets them once this has run)."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("circles", "0005_invite_max_uses"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="ModerationAction",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "verb",
                            models.CharField(
                                choices=[
                                    ("hide", "Hid"),
                                    ("restore", "Restored"),
                                    ("dismiss", "Dismissed a report on"),
                                    ("pin", "Pinned"),
                                    ("unpin", "Unpinned"),
                                    ("lock", "Locked"),
                                    ("unlock", "Unlocked"),
                                    ("admit", "Admitted"),
                                    ("decline", "Declined"),
                                    ("remove", "Removed from the circle"),
                                    ("invite_create", "Created an invite link"),
                                    ("invite_revoke", "Revoked an invite link"),
                                    ("promote", "Made co-facilitator"),
                                    ("demote", "Stepped down as facilitator"),
                                    ("edit_circle", "Edited the circle"),
                                    ("archive", "Archived the circle"),
                                ],
                                max_length=32,
                            ),
                        ),
                        ("reason", models.CharField(blank=True, max_length=500)),
                        (
                            "target_label",
                            models.CharField(
                                blank=True,
                                help_text="What the target was, kept if it is deleted.",
                                max_length=200,
                            ),
                        ),
                        (
                            "created_at",
                            models.DateTimeField(db_index=True, default=django.utils.timezone.now),
                        ),
                        (
                            "actor",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "circle",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="moderation_actions",
                                to="circles.circle",
                            ),
                        ),
                        (
                            "target_log",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to="circles.actionlog",
                            ),
                        ),
                        (
                            "target_member",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "target_response",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to="circles.response",
                            ),
                        ),
                    ],
                    options={
                        "ordering": ["-created_at", "-pk"],
                        "db_table": "circles_moderationaction",
                    },
                ),
                migrations.CreateModel(
                    name="Report",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "reason",
                            models.CharField(
                                choices=[
                                    ("disrespectful", "Disrespectful or unkind"),
                                    (
                                        "confidential",
                                        "Shares confidential or identifying information",
                                    ),
                                    ("off_topic", "Off-topic or spam"),
                                    ("unsafe", "Unsafe advice"),
                                    ("other", "Something else"),
                                ],
                                max_length=32,
                            ),
                        ),
                        ("details", models.TextField(blank=True, max_length=1000)),
                        (
                            "state",
                            models.CharField(
                                choices=[
                                    ("open", "Open"),
                                    ("actioned", "Actioned (content hidden)"),
                                    ("dismissed", "Dismissed"),
                                ],
                                default="open",
                                max_length=16,
                            ),
                        ),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                        ("resolved_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "circle",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="reports",
                                to="circles.circle",
                            ),
                        ),
                        (
                            "log",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="reports",
                                to="circles.actionlog",
                            ),
                        ),
                        (
                            "reporter",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="reports_made",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "resolved_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "response",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="reports",
                                to="circles.response",
                            ),
                        ),
                    ],
                    options={
                        "ordering": ["created_at"],
                        "db_table": "circles_report",
                        "indexes": [
                            models.Index(
                                fields=["circle", "state"], name="circles_rep_circle__969d57_idx"
                            )
                        ],
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(
                                    models.Q(("log__isnull", False), ("response__isnull", True)),
                                    models.Q(("log__isnull", True), ("response__isnull", False)),
                                    _connector="OR",
                                ),
                                name="report_targets_log_xor_response",
                            ),
                            models.UniqueConstraint(
                                condition=models.Q(("log__isnull", False)),
                                fields=("reporter", "log"),
                                name="one_report_per_reporter_and_log",
                            ),
                            models.UniqueConstraint(
                                condition=models.Q(("response__isnull", False)),
                                fields=("reporter", "response"),
                                name="one_report_per_reporter_and_response",
                            ),
                        ],
                    },
                ),
            ],
        ),
    ]
