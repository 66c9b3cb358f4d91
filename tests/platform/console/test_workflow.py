"""Provisioning runs on the workflow core: every step of a request is a transition of console.provisioning's
table, taken by the system only, and written to the request's history, which the console shows."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from console.provisioning import PROVISIONING, SYSTEM, TRANSITIONS
from shared_apps.memberships.permissions import Access
from tenants.models import ProvisioningEvent, ProvisioningRequest, ProvisioningStatus
from tenants.workflow import allowed_actions, apply_transition
from tests.support.jobs import run_queued_jobs

S = ProvisioningStatus
GOOD = {
    "tier": "township",
    "division_code": "520111106000",
    "name": "花溪区黔陶布依族苗族乡人民代表大会",
    "subdomain": "qiantao",
}


def _request(congresses, status: str) -> ProvisioningRequest:
    request = ProvisioningRequest.objects.create(source="cli", parent=congresses["huaxi"], **GOOD)
    ProvisioningRequest.objects.filter(pk=request.pk).update(status=status)
    request.refresh_from_db()
    return request


@pytest.mark.parametrize("action", list(TRANSITIONS))
@pytest.mark.parametrize("status", S.values)
def test_each_step_from_each_status(congresses, status, action):
    """Each step is taken exactly from its source statuses; from any other nothing changes."""
    request = _request(congresses, status)
    transition = TRANSITIONS[action]
    data = {"started": 0.0, "error": "磁盘已满"}
    if status not in transition.sources:
        assert action not in allowed_actions(PROVISIONING, SYSTEM, request)
        with pytest.raises(ValidationError) as refused:
            apply_transition(PROVISIONING, access=SYSTEM, obj=request, action=action, data=data)
        assert "status" in refused.value.message_dict
        assert ProvisioningRequest.objects.get(pk=request.pk).status == status
        assert not ProvisioningEvent.objects.filter(request=request).exists()
        return
    assert action in allowed_actions(PROVISIONING, SYSTEM, request)
    done = apply_transition(PROVISIONING, access=SYSTEM, obj=request, action=action, data=data)
    assert done.status in transition.targets
    event = ProvisioningEvent.objects.get(request=request)
    assert (event.action, event.from_status, event.to_status) == (action, status, done.status)
    if action == "succeed":
        assert done.congress.subdomain == "qiantao" and event.data["congress"] == done.congress.pk


@pytest.mark.parametrize("persona", ["li", "wu"])
def test_no_person_takes_a_provisioning_step(congresses, users, persona):
    request = _request(congresses, S.QUEUED)
    access = Access(user=users[persona], congress=None)
    assert allowed_actions(PROVISIONING, access, request) == []
    with pytest.raises(PermissionDenied):
        apply_transition(PROVISIONING, access=access, obj=request, action="start")
    assert ProvisioningRequest.objects.get(pk=request.pk).status == S.QUEUED


def test_a_request_keeps_its_history_and_the_console_shows_it(api_for, client_for):
    response = api_for("wang").post("/api/v1/provisioning/", {**GOOD, "parent_code": "520111000000"}, format="json")
    run_queued_jobs("tenants.provision_congress")
    record = ProvisioningRequest.objects.get(pk=response.json()["id"])
    steps = [(e.action, e.from_status, e.to_status) for e in record.events.all()]
    assert steps == [("request", "", S.QUEUED), ("start", S.QUEUED, S.RUNNING), ("succeed", S.RUNNING, S.SUCCEEDED)]
    assert record.events.first().actor.email == "wang@example.org"
    body = client_for("wang").get(f"/console/provisioning/{record.pk}/").content.decode()
    assert "创建记录" in body and "提交申请" in body and "创建完成" in body and "排队中 → 创建中" in body
