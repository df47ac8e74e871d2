"""The pseudonym salt leaves the database (issue 10, S6).

A salt stored next to the data it pseudonymises protects nothing from anyone who can read
the database or a backup of it. The key is now read from outside the database
(``MESOCLINIC_PSEUDONYM_KEY_FILE`` / ``MESOCLINIC_PSEUDONYM_KEY``, docs/deidentified-export.md).
The stored salts are deleted, not moved: extracts made after this migration do not link to
extracts made before it (their pseudonyms differ), which the docs say.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0001_initial"),
    ]

    operations = [
        migrations.DeleteModel(name="DeidentificationKey"),
    ]
