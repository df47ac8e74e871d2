# Registry bundles: keep a bundle's x_ columns so an export gives them back.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("patients", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="patient",
            name="extra",
            field=models.JSONField(
                blank=True, default=dict, help_text="registry bundle x_ columns"
            ),
        ),
    ]
