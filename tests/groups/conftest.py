from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    """Uploaded bylaws go to a temporary folder, not the checkout's media folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
