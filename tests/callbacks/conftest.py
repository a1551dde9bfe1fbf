"""Fixtures of the integration tests that go through Flask's test client."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def client_for(app, login):
    """client_for(role): one test client per role for the module, logged in as that role."""
    made = {}

    def _client(role: str):
        if role not in made:
            client = app.server.test_client()
            client.get("/")
            if role != "public":
                login(client, role)
            made[role] = client
        return made[role]

    return _client
