"""The hash chain of the audit trail (docs/audit.md): new columns, the chain heads, and the
existing events chained in the order they were written.

The backfill must write the new columns of existing audit rows, which the immutability
triggers refuse (records/0002): it suspends them for this one step, in the migration's
transaction, and changes nothing but the chain columns.
"""

import django.db.models.deletion
import django.db.models.functions.comparison
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

from mesoclinic.audit import chain
from mesoclinic.records import immutability


def chain_existing_events(apps, schema_editor):
    AuditEvent = apps.get_model("audit", "AuditEvent")
    AuditChainHead = apps.get_model("audit", "AuditChainHead")
    clinic_ids = set(AuditEvent.objects.values_list("clinic_id", flat=True).distinct())
    if not clinic_ids:
        return
    with immutability.suspended(schema_editor.connection):
        for clinic_id in clinic_ids:
            prev_hash, seq = chain.GENESIS, 0
            events = AuditEvent.objects.filter(clinic_id=clinic_id).order_by("id")
            for event in events.iterator(chunk_size=2000):
                seq += 1
                event.seq, event.prev_hash = seq, prev_hash
                event.hash = chain.event_hash(event)
                AuditEvent.objects.filter(pk=event.pk).update(
                    seq=event.seq, prev_hash=event.prev_hash, hash=event.hash
                )
                prev_hash = event.hash
            AuditChainHead.objects.create(clinic_id=clinic_id, length=seq, head_hash=prev_hash)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_initial"),
        ("clinics", "0003_screening_validity_and_settings_version"),
        ("patients", "0003_duplicate_check_indexes"),
        ("records", "0003_refuse_additions_to_signed"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="AuditChainHead",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("length", models.PositiveBigIntegerField(default=0)),
                (
                    "head_hash",
                    models.CharField(
                        default="0000000000000000000000000000000000000000000000000000000000000000",
                        max_length=64,
                    ),
                ),
            ],
        ),
        migrations.AddField(
            model_name="auditevent",
            name="hash",
            field=models.CharField(default="", editable=False, max_length=64),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="prev_hash",
            field=models.CharField(default="", editable=False, max_length=64),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="request_id",
            field=models.CharField(
                blank=True,
                help_text="the request or command run, as in the server's logs",
                max_length=64,
            ),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="seq",
            field=models.PositiveBigIntegerField(default=0, editable=False),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="at",
            field=models.DateTimeField(
                db_index=True, default=django.utils.timezone.now, editable=False
            ),
        ),
        migrations.AddField(
            model_name="auditchainhead",
            name="clinic",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="clinics.clinic",
            ),
        ),
        migrations.AddConstraint(
            model_name="auditchainhead",
            constraint=models.UniqueConstraint(
                django.db.models.functions.comparison.Coalesce(
                    "clinic", models.Value(0), output_field=models.BigIntegerField()
                ),
                name="audit_one_head_per_chain",
            ),
        ),
        migrations.RunPython(chain_existing_events, migrations.RunPython.noop, elidable=False),
        migrations.AddConstraint(
            model_name="auditevent",
            constraint=models.UniqueConstraint(
                condition=models.Q(("clinic__isnull", False)),
                fields=("clinic", "seq"),
                name="audit_one_event_per_clinic_position",
            ),
        ),
        migrations.AddConstraint(
            model_name="auditevent",
            constraint=models.UniqueConstraint(
                condition=models.Q(("clinic__isnull", True)),
                fields=("seq",),
                name="audit_one_event_per_unscoped_position",
            ),
        ),
    ]
