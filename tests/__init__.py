import pytest

# The helpers in tests/support assert on what they build (World.drive, Desk.send): give them pytest's messages.
pytest.register_assert_rewrite("tests.support")
