# Registry bundles: keep a bundle's x_ columns so an export gives them back.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("safety", "0002_outcome"),
    ]

    operations = [
        migrations.AddField(
            model_name="adverseevent",
            name="extra",
            field=models.JSONField(
                blank=True, default=dict, help_text="registry bundle x_ columns"
            ),
        ),
    ]
