"""Data: seal the pending answers of open waves (and open them again when reversed).

Each wave's pool is rewritten, not updated in place: deleted and inserted again in a random
order with new keys, so that the rows neither keep the order people answered in nor stay
where their plain versions were. The key derivation is copied from pulse/sealing.py (a
migration must not change when the code does); both must stay the same.
"""

import base64
import json
import secrets
import time
import uuid

from django.conf import settings
from django.db import migrations

PURPOSE = b"groundswell.pulse.pending-pool"
PADDED_FLOOR = 2048


def _keys():
    from cryptography.fernet import Fernet, MultiFernet
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    fernets = []
    for secret in [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]:
        hkdf = HKDF(
            algorithm=hashes.SHA256(), length=32, salt=PURPOSE, info=PURPOSE + b" fernet key"
        )
        fernets.append(Fernet(base64.urlsafe_b64encode(hkdf.derive(secret.encode()))))
    return MultiFernet(fernets)


def _rewrite(apps, change):
    """Put every wave's pending rows back, shuffled, with `change` applied to its rows."""
    PendingSubmission = apps.get_model("pulse", "PendingSubmission")
    shuffle = secrets.SystemRandom().shuffle
    waves = set(PendingSubmission.objects.values_list("wave_id", flat=True))
    for wave_id in waves:
        rows = list(PendingSubmission.objects.filter(wave_id=wave_id))
        fresh = change(rows)
        shuffle(fresh)
        PendingSubmission.objects.filter(wave_id=wave_id).delete()
        PendingSubmission.objects.bulk_create(
            PendingSubmission(id=uuid.uuid4(), wave_id=wave_id, **fields) for fields in fresh
        )


def seal(apps, schema_editor):
    """Seal a wave's rows with one time and one padded length, as pulse/sealing.py does."""
    keys, now = _keys(), int(time.time())

    def sealed(rows):
        plain = [
            json.dumps(row.payload, ensure_ascii=False).encode() if row.payload is not None
            else keys.decrypt(row.sealed.encode()).rstrip()
            for row in rows
        ]
        size = max([PADDED_FLOOR, *(len(text) for text in plain)])
        size = 1 << (size - 1).bit_length()
        return [
            {"sealed": keys.encrypt_at_time(text.ljust(size), now).decode(), "payload": None}
            for text in plain
        ]

    _rewrite(apps, sealed)


def open_again(apps, schema_editor):
    keys = _keys()

    def plain(rows):
        return [
            {
                "sealed": "",
                "payload": row.payload if row.payload is not None
                else json.loads(keys.decrypt(row.sealed.encode())),
            }
            for row in rows
        ]

    _rewrite(apps, plain)


class Migration(migrations.Migration):
    dependencies = [
        ("pulse", "0003_seal_pending_pool"),
    ]

    operations = [
        migrations.RunPython(seal, open_again, elidable=False),
    ]
