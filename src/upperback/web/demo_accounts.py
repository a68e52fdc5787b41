"""The demo logins, kept free of Django imports so the launcher can print them.

The demo clinician's second factor is an authenticator secret published here (a demo has no
phone to enrol): add DEMO_TOTP_SECRET to any authenticator app, or print the current code with
`python -m upperback.web.demo_accounts`. Never use a published secret for a real account.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import struct
import time

DEMO_PASSWORD = "upperback-demo"
DEMO_PATIENT = "patient@demo.upperback.example"
DEMO_CLINICIAN = "clinician@demo.upperback.example"
DEMO_TOTP_SECRET = "UPPERBACKDEMOCLINICIANTOTPKEY234"  # base32, 20 bytes; 30 s, 6 digits


def demo_logins() -> list[tuple[str, str, str]]:
    return [("patient", DEMO_PATIENT, DEMO_PASSWORD), ("clinician", DEMO_CLINICIAN, DEMO_PASSWORD)]


def demo_totp_code(at: float | None = None) -> str:
    """The demo clinician's code at a time (now by default): RFC 6238, SHA-1, 30 s."""
    key = base64.b32decode(DEMO_TOTP_SECRET)
    counter = int((time.time() if at is None else at) // 30)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{number % 1_000_000:06d}"


if __name__ == "__main__":
    print(f"demo clinician's code now: {demo_totp_code()} (secret {DEMO_TOTP_SECRET})")
