from __future__ import annotations

from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies: list[tuple[str, str]] = []

    operations = [
        migrations.CreateModel(
            name="ChartVersion",
            fields=[
                ("scope", models.CharField(max_length=40, primary_key=True, serialize=False)),
                ("stamp", models.CharField(max_length=40)),
            ],
        ),
    ]
