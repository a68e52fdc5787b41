"""The fixed cast: Alice the patient, Dr Bob her clinician, Carol another patient, and an
anonymous visitor (a plain test client). Built through the actions layer."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from django.test import Client

from upperback.web.records import actions
from upperback.web.records.demo_intakes import DESK_WORKER

PASSWORD = "correct-horse-battery-9"


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
