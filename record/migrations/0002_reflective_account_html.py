"""A reflective account keeps its answers as safe HTML beside her Markdown, made when it is
saved, so its pages and its .docx show formatted text instead of markup."""

from django.db import migrations, models


def _html_field():
    return models.TextField(blank=True, default="", editable=False)


class Migration(migrations.Migration):
    dependencies = [("record", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="reflectiveaccount", name="nature_html", field=_html_field()
        ),
        migrations.AddField(
            model_name="reflectiveaccount", name="learning_html", field=_html_field()
        ),
        migrations.AddField(
            model_name="reflectiveaccount", name="changed_html", field=_html_field()
        ),
        migrations.AddField(
            model_name="reflectiveaccount", name="code_relevance_html", field=_html_field()
        ),
    ]
