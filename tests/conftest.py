"""Shared fixtures: the built site (both languages), built once per test session."""

import pytest

from scripts import build


@pytest.fixture(scope="session")
def site():
    """Build everything with --strict (running any stale snippet): both languages, the PDFs and
    the offline edition; return site/."""
    build.build_all()
    return build.ROOT / "site"
