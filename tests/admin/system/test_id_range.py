"""Admin screens answer 404 for an id no database row can have, on PostgreSQL as on SQLite (never a 500)."""
from __future__ import annotations

import pytest

from tests.admin.stack import login


@pytest.mark.parametrize("path", ["/households/show/{id}", "/households/edit/{id}", "/persons/show/{id}",
                                  "/imports/{id}", "/audit/show/{id}", "/pemantau/show/{id}"])
def test_ids_beyond_the_integer_range_are_not_found(client, path):
    login(client, "admin")
    for value in ("2147483648", "99999999999999999999"):
        response = client.get(path.format(id=value))
        assert response.status_code == 404, (path, value, response.status_code)
