"""An erasure records how far it has gone, so a re-run continues where a killed one
stopped: the step under way, the batches committed and when the last one did."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("privacy", "0002_schedules")]

    operations = [
        migrations.AddField(
            model_name="erasure",
            name="step",
            field=models.CharField(
                blank=True,
                default="",
                help_text="The step under way (a table's link to her, or a table being "
                "scrubbed of her name); empty before the first batch and once done.",
                max_length=100,
            ),
        ),
        migrations.AddField(
            model_name="erasure",
            name="batches",
            field=models.PositiveIntegerField(
                default=0, help_text="Transactions committed so far."
            ),
        ),
        migrations.AddField(
            model_name="erasure",
            name="progressed_at",
            field=models.DateTimeField(
                blank=True, null=True, help_text="When the last batch committed."
            ),
        ),
    ]
