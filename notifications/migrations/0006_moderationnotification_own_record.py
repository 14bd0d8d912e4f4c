"""A ModerationNotification records the decision it tells the author about (what, hidden or
restored, why, when) instead of pointing at facilitation's audit entry, so notifications
needs nothing from facilitation. Existing rows are filled in from their audit entries,
before circles hands ModerationAction over to facilitation."""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


def fill_from_actions(apps, schema_editor):
    ModerationNotification = apps.get_model("notifications", "ModerationNotification")
    db = schema_editor.connection.alias
    rows = ModerationNotification.objects.using(db).select_related("action__target_response__log")
    for row in rows:
        action = row.action
        response = action.target_response
        row.circle_id = action.circle_id
        row.log_id = action.target_log_id if response is None else None
        row.response_id = action.target_response_id
        row.hidden = action.verb == "hide"
        row.reason = action.reason
        row.decided_at = action.created_at
        row.save()


def fill_actions_back(apps, schema_editor):
    ModerationAction = apps.get_model("circles", "ModerationAction")
    ModerationNotification = apps.get_model("notifications", "ModerationNotification")
    db = schema_editor.connection.alias
    for row in ModerationNotification.objects.using(db):
        verb = "hide" if row.hidden else "restore"
        row.action = (
            ModerationAction.objects.using(db)
            .filter(circle_id=row.circle_id, verb=verb, target_log_id=row.log_id)
            .filter(target_response_id=row.response_id, created_at__lte=row.decided_at)
            .order_by("-created_at")
            .first()
        )
        if row.action is None:
            row.delete()
        else:
            row.save()


class Migration(migrations.Migration):
    dependencies = [
        ("circles", "0005_invite_max_uses"),
        ("notifications", "0005_moderationnotification"),
    ]
    # Read the audit entries while circles still holds the model.
    run_before = [("circles", "0007_report_and_moderation_action_to_facilitation")]

    operations = [
        migrations.AlterModelOptions(
            name="moderationnotification",
            options={"ordering": ["-decided_at", "-pk"]},
        ),
        migrations.AddField(
            model_name="moderationnotification",
            name="circle",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="circles.circle",
            ),
        ),
        migrations.AddField(
            model_name="moderationnotification",
            name="log",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="circles.actionlog",
            ),
        ),
        migrations.AddField(
            model_name="moderationnotification",
            name="response",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="circles.response",
            ),
        ),
        migrations.AddField(
            model_name="moderationnotification",
            name="hidden",
            field=models.BooleanField(default=True, help_text="Hidden; otherwise restored."),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="moderationnotification",
            name="reason",
            field=models.CharField(blank=True, max_length=500),
        ),
        migrations.AddField(
            model_name="moderationnotification",
            name="decided_at",
            field=models.DateTimeField(default=django.utils.timezone.now),
        ),
        migrations.AlterField(
            model_name="moderationnotification",
            name="action",
            field=models.OneToOneField(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="notification",
                to="circles.moderationaction",
            ),
        ),
        migrations.RunPython(fill_from_actions, fill_actions_back),
        migrations.RemoveField(model_name="moderationnotification", name="action"),
        migrations.AlterField(
            model_name="moderationnotification",
            name="circle",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="circles.circle",
            ),
        ),
        migrations.AlterField(
            model_name="moderationnotification",
            name="status",
            field=models.CharField(
                blank=True,
                choices=[
                    ("sending", "Claimed, being sent"),
                    ("sent", "Sent"),
                    ("skipped", "Skipped (nothing to send)"),
                    ("failed", "Failed (will be retried)"),
                ],
                help_text="Empty: not sent yet.",
                max_length=16,
            ),
        ),
        migrations.AlterField(
            model_name="moderationnotification",
            name="claimed_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddIndex(
            model_name="moderationnotification",
            index=models.Index(
                fields=["status", "decided_at"], name="notificatio_status_9e1117_idx"
            ),
        ),
    ]
