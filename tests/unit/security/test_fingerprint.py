"""An idempotency key's fingerprint is stored: the one computed today must be the one computed when it was stored."""

import hashlib
import hmac
import json
from datetime import UTC, datetime
from uuid import UUID

from shared.web.commands import fingerprint

SECRET = b"a national id key of 32 bytes..."


def test_a_fingerprint_is_the_keyed_hash_of_the_parts_as_sorted_json():
    fact = {
        "import_id": "legacy-2019-000123",
        "recorded_at": "2019-09-02T09:30:00+08:00",
        "command": {"type": "RegisterParty", "name": "张伟 School", "seats": 30, "ratio": 0.5, "tags": ["b", "a"]},
        "note": None,
    }
    for parts in (("IMPORT", fact), ("POST", "/applications", fact), ("POST", "/x", None)):
        canonical = json.dumps(parts, sort_keys=True, default=str).encode()
        assert fingerprint(SECRET, *parts) == hmac.new(SECRET, canonical, hashlib.sha256).digest()


def test_values_json_cannot_hold_are_fingerprinted_as_text():
    at, ref = datetime(2019, 9, 2, tzinfo=UTC), UUID(int=7)
    assert fingerprint(SECRET, "IMPORT", {"at": at, "ref": ref}) == fingerprint(
        SECRET, "IMPORT", {"at": str(at), "ref": str(ref)}
    )
