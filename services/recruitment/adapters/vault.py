"""Personal data at rest: sealed with AES-GCM, found again by an HMAC-SHA256 digest of the national ID.

Both keys are derived (HKDF-SHA256, one label each) from `CYCLE_NATIONAL_ID_KEY`, so a leaked digest column cannot
be brute-forced over the small space of valid national IDs without the key. Each sealed value is bound to its
student and field (AES-GCM associated data), so ciphertexts cannot be swapped between rows.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import os
from uuid import UUID

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from services.recruitment.application.unit_of_work import Vault
from services.recruitment.domain.identity import normalised_national_id

_NONCE_BYTES = 12


def _derive(secret: str, label: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"cycle/recruitment/" + label).derive(
        secret.encode()
    )


class PersonalDataVault(Vault):
    def __init__(self, secret: str) -> None:
        if len(secret) < 16:
            raise ValueError("CYCLE_NATIONAL_ID_KEY must have at least 16 characters")
        self._seal_key = AESGCM(_derive(secret, b"seal"))
        self._digest_key = _derive(secret, b"national-id-digest")

    def digest(self, national_id: str) -> bytes:
        return hmac.new(self._digest_key, normalised_national_id(national_id).encode(), hashlib.sha256).digest()

    def seal(self, student_id: UUID, field: str, value: str) -> bytes:
        nonce = os.urandom(_NONCE_BYTES)
        return nonce + self._seal_key.encrypt(nonce, value.encode(), _context(student_id, field))

    def open(self, student_id: UUID, field: str, sealed: bytes) -> str:
        nonce, ciphertext = sealed[:_NONCE_BYTES], sealed[_NONCE_BYTES:]
        return self._seal_key.decrypt(nonce, ciphertext, _context(student_id, field)).decode()


def _context(student_id: UUID, field: str) -> bytes:
    return student_id.bytes + field.encode()


@functools.cache
def vault_for(secret: str) -> PersonalDataVault:
    """One vault per key for the process: the keys are derived once, not per transaction."""
    return PersonalDataVault(secret)
