"""The fixed cast: Alice the patient, Dr Bob her clinician, Carol another patient, and an
anonymous visitor (a plain test client). Built through the actions layer."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from upperback.web.accounts.second_factor import needs_second_factor
from upperback.web.records import actions
from upperback.web.records.demo_intakes import DESK_WORKER

PASSWORD = "correct-horse-battery-9"


def pass_second_factor(client: Client, user: Any) -> None:
    """Marks the client's session as having passed the second factor with the user's
    authenticator (made if she has none), as a code typed at /accounts/two-factor/ would."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


@pytest.fixture(autouse=True)
def _force_login_passes_the_second_factor(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """`client.force_login(user)` stands for a whole login, so for clinic staff it includes
    the second factor (tests of the second factor itself log in through the login form)."""
    real = Client.force_login

    def force_login(self: Client, user: Any, backend: str | None = None) -> None:
        real(self, user, backend)
        if needs_second_factor(user):
            pass_second_factor(self, user)

    monkeypatch.setattr(Client, "force_login", force_login)
    yield


@pytest.fixture
def desk_worker() -> dict[str, Any]:
    """A valid self-care intake, the demo desk worker (a fresh copy: tests may change it)."""
    return copy.deepcopy(DESK_WORKER)


@pytest.fixture
def alice(db: None) -> Any:
    return actions.create_patient(email="alice@example.com", password=PASSWORD, first_name="Alice")


@pytest.fixture
def carol(db: None) -> Any:
    return actions.create_patient(email="carol@example.com", password=PASSWORD, first_name="Carol")


@pytest.fixture
def bob(db: None) -> Any:
    return actions.create_clinician(
        email="dr.bob@example.com", password=PASSWORD, first_name="Bob", last_name="Nguyen"
    )


def _client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def alice_client(alice: Any) -> Client:
    return _client_for(alice)


@pytest.fixture
def carol_client(carol: Any) -> Client:
    return _client_for(carol)


@pytest.fixture
def bob_client(bob: Any) -> Client:
    return _client_for(bob)


@pytest.fixture
def anonymous(db: None) -> Client:
    return Client()
