import pytest

from shared_apps.exchange import kinds
from tenant_apps.notices.delivery import deliver_notice


@pytest.fixture
def flaky(monkeypatch):
    """A kind "flaky_up" (escalation direction) whose handler fails while `failures` is positive."""
    state = {"failures": 0, "calls": 0}

    def deliver(transfer):
        state["calls"] += 1
        if state["failures"] > 0:
            state["failures"] -= 1
            raise RuntimeError("receiving schema busy")
        return deliver_notice(transfer)

    monkeypatch.setitem(kinds._kinds, "flaky_up", kinds.TransferKind("flaky_up", "测试", "Test", kinds.UP, deliver))
    return state
