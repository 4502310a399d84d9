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
    """Put every wave's pending rows back, shuffled, with `change` applied to each."""
    PendingSubmission = apps.get_model("pulse", "PendingSubmission")
    shuffle = secrets.SystemRandom().shuffle
    waves = set(PendingSubmission.objects.values_list("wave_id", flat=True))
    for wave_id in waves:
        rows = list(PendingSubmission.objects.filter(wave_id=wave_id))
        fresh = [change(row) for row in rows]
        shuffle(fresh)
        PendingSubmission.objects.filter(wave_id=wave_id).delete()
        PendingSubmission.objects.bulk_create(
            PendingSubmission(id=uuid.uuid4(), wave_id=wave_id, **fields) for fields in fresh
        )


def seal(apps, schema_editor):
    keys, now = _keys(), int(time.time())

    def sealed(row):
        if row.payload is None:  # already sealed
            return {"sealed": row.sealed, "payload": None}
        token = keys.encrypt_at_time(json.dumps(row.payload).encode(), now).decode()
        return {"sealed": token, "payload": None}

    _rewrite(apps, sealed)


def open_again(apps, schema_editor):
    keys = _keys()

    def plain(row):
        if row.payload is not None:
            return {"sealed": "", "payload": row.payload}
        return {"sealed": "", "payload": json.loads(keys.decrypt(row.sealed.encode()))}

    _rewrite(apps, plain)


class Migration(migrations.Migration):
    dependencies = [
        ("pulse", "0003_seal_pending_pool"),
    ]

    operations = [
        migrations.RunPython(seal, open_again, elidable=False),
    ]
