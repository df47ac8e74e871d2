# Registry bundles: keep a bundle's x_ columns so an export gives them back.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("treatments", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="sessionarea",
            name="extra",
            field=models.JSONField(
                blank=True, default=dict, help_text="registry bundle x_ columns"
            ),
        ),
        migrations.AddField(
            model_name="injection",
            name="extra",
            field=models.JSONField(
                blank=True, default=dict, help_text="registry bundle x_ columns"
            ),
        ),
    ]
