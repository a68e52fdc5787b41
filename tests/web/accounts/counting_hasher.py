"""A password hasher that counts every hash it computes, for the multi-process login tests.

Loaded by real server processes (PYTHONPATH holds this folder): each hash appends one byte to
the file named by UPPERBACK_TEST_HASH_COUNT, so the test reads the number of password checks
made by every process together. A wrong password for a known address costs one hash, and so
does an unknown address (Django hashes anyway, so timing does not reveal accounts).
"""

from __future__ import annotations

import os
from typing import Any

from django.contrib.auth.hashers import PBKDF2PasswordHasher


class CountingHasher(PBKDF2PasswordHasher):
    algorithm = "counting_pbkdf2"
    iterations = 50_000  # slow enough that parallel requests overlap, fast enough for a test

    def encode(self, password: str, salt: str, iterations: Any = None) -> str:
        path = os.environ.get("UPPERBACK_TEST_HASH_COUNT")
        if path:
            descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                os.write(descriptor, b".")
            finally:
                os.close(descriptor)
        return super().encode(password, salt, iterations)
