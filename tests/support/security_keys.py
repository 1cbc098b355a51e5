"""A security key's registration as allauth stores it, made without a browser.

The browser test registers a real one (Chromium's virtual authenticator); tests that only
need an account to have a key build the same registration response from its parts with
fido2 (the library allauth verifies keys with) and a fresh P-256 key pair.
"""

import hashlib
import os

from cryptography.hazmat.primitives.asymmetric import ec
from fido2.cose import ES256
from fido2.webauthn import (
    AttestationObject,
    AttestedCredentialData,
    AuthenticatorAttestationResponse,
    AuthenticatorData,
    CollectedClientData,
    RegistrationResponse,
)


def key_registration(rp_id="localhost"):
    """A registration response (as JSON data) of a new key for ``rp_id``."""
    public_key = ES256.from_cryptography_key(ec.generate_private_key(ec.SECP256R1()).public_key())
    credential = AttestedCredentialData.create(b"\0" * 16, os.urandom(16), public_key)
    flags = AuthenticatorData.FLAG.UP | AuthenticatorData.FLAG.AT
    auth_data = AuthenticatorData.create(
        hashlib.sha256(rp_id.encode()).digest(), flags, 0, credential
    )
    response = AuthenticatorAttestationResponse(
        client_data=CollectedClientData.create(
            CollectedClientData.TYPE.CREATE, os.urandom(32), f"http://{rp_id}"
        ),
        attestation_object=AttestationObject.create("none", auth_data, {}),
    )
    return dict(RegistrationResponse(raw_id=credential.credential_id, response=response))
