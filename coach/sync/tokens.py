"""Pairing codes, device tokens and payload signatures.

A pairing code is what a physio reads out or shows as a QR: 8 characters from an alphabet without
look-alikes (no 0/O, 1/I/L), shown as ``ABCD-EFGH`` (40 bits; one-time, expires after a day, failed
tries are slowed down by the API). A device token is 256 random bits (``secrets``); the clinic keeps
only its SHA-256. Every pushed payload carries ``X-Coach-Signature: sha256=<HMAC-SHA256(token, body)>``:
a payload changed on the way (or by anyone without the token) is refused before it is read.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
SIGNATURE_HEADER = "X-Coach-Signature"


def new_pairing_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return f"{raw[:4]}-{raw[4:]}"


def normalise_code(code: str) -> str:
    """What the patient typed, as compared: upper case, without spaces or dashes."""
    return "".join(c for c in (code or "").upper() if c.isalnum())


def code_hash(code: str) -> str:
    return sha256_hex(normalise_code(code).encode())


def new_device_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return sha256_hex(token.encode())


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sign(token: str, body: bytes) -> str:
    return "sha256=" + hmac.new(token.encode(), body, hashlib.sha256).hexdigest()


def signature_ok(token: str, body: bytes, given: str | None) -> bool:
    return bool(given) and hmac.compare_digest(sign(token, body), given)
