"""A password hasher as quick as a test needs.

Django's PBKDF2 runs 1,000,000 rounds by design (0.4 s a password on this machine), and
the suite makes a user with a password in most tests. This one is the same algorithm with
few rounds, and writes the count into the hash as PBKDF2 always does, so a server the
tests start with the production settings (gunicorn) still checks these passwords.
"""

from django.contrib.auth.hashers import PBKDF2PasswordHasher


class QuickPBKDF2PasswordHasher(PBKDF2PasswordHasher):
    iterations = 1_000
