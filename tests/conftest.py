"""Shared fixtures: where the real market data lives, and skipping cleanly without it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = ROOT / "data"
SHARED = Path(os.environ.get("TICKFORGE_SHARED_DATA", ROOT.parent / "shared" / "data"))


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """``../shared/data`` (or $TICKFORGE_SHARED_DATA); the test skips if it is absent."""
    if not SHARED.is_dir():
        pytest.skip(f"shared market data not found at {SHARED}")
    return SHARED


@pytest.fixture(scope="session")
def bundled_data() -> Path:
    """Small files copied into the project (data/README.md names sources and licences)."""
    return BUNDLED
