from __future__ import annotations

from typing import Any

import pytest

from kyodo_center.roles import OPERATOR
from tests.conftest import make_user
from tests.consultations import factories


@pytest.fixture
def defaults(db: None) -> None:
    factories.defaults()


@pytest.fixture
def shakyo_user(defaults: None, operator_user: Any) -> Any:
    """The demo operator user "unei", linked to 練馬区社会福祉協議会."""
    return factories.link_operator(operator_user, factories.SHAKYO)


@pytest.fixture
def ibr_user(defaults: None) -> Any:
    """An operator user of another organisation (インターネットビジネス研究所)."""
    return factories.link_operator(make_user("ibr", OPERATOR), factories.IBR)
