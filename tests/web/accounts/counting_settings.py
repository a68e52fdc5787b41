"""The app's settings with the counting hasher first (see counting_hasher.py)."""

from upperback.web.settings import *  # noqa: F403

PASSWORD_HASHERS = ["counting_hasher.CountingHasher"]
