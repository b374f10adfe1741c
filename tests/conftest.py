"""pytest configuration; shared test code lives in tests/helpers.py."""
