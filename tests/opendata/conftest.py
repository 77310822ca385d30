"""The open-data tests read the pages at the fixed NOW of the facilities tests."""

from tests.facilities.conftest import frozen_now  # noqa: F401
