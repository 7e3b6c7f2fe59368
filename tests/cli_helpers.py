"""Kept for the tests that still import it; the helpers live in tests/support.py."""

from tests.support import Result, kam

__all__ = ["Result", "kam"]
