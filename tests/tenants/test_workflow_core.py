"""The workflow core's own contract (tenants.workflow), on a small table over a public model, so that every
workflow built on it (suggestions, messages, provisioning, and the next ones) can rely on it."""

import itertools

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from shared_apps.memberships.permissions import Access
from tenants.models import ProvisioningEvent, ProvisioningRequest, ProvisioningStatus
from tenants.workflow import (
    Notify,
    Refusals,
    Step,
    Transition,
    Workflow,
    allowed_actions,
    apply_transition,
    lock,
    require_here,
)
from tenants.workflow.history import history_rows, record_event

S = ProvisioningStatus
_codes = itertools.count(1)


def _request() -> ProvisioningRequest:
    n = next(_codes)
    return ProvisioningRequest.objects.create(
        source="cli", tier="township", division_code=f"9{n:011d}", name=f"测试{n}", subdomain=f"core-{n}"
    )


class Calls:
    """What the table's callables saw, in order."""

    def __init__(self):
        self.log: list[tuple] = []
        self.relations = 0


def _workflow(calls: Calls, **overrides) -> Workflow:
    def relation(access, obj):
        calls.relations += 1
        return {"user": access.user, "admin": access.is_platform_admin}

    def start(step: Step) -> str:
        if step.data.get("refuse"):
            step.set(error="half-way")  # set, then refused: nothing of it may stay
            raise ValidationError({"refuse": ["no"]})
        step.set(error="started")
        step.event_data["seen"] = step.data.get("value")
        step.after_commit(lambda: calls.log.append(("committed", step.action)))
        return S.RUNNING

    def hook_one(step: Step) -> None:
        calls.log.append(("hook_one", step.obj.status, ProvisioningEvent.objects.filter(request=step.obj).count()))
        step.event_data["hooked"] = True

    def hook_two(step: Step) -> None:
        calls.log.append(("hook_two", step.action))

    def deliver(step: Step, notify: Notify, user_ids: set[int]) -> None:
        calls.log.append(("deliver", notify.kind, sorted(user_ids)))

    table = {
        "start": Transition(
            "开始",
            frozenset({S.QUEUED}),
            (S.RUNNING,),
            lambda who, obj: who["admin"],
            start,
            notify=Notify(lambda step: {7, 8}, "started", "已开始"),
        ),
        "fail": Transition(
            "失败",
            frozenset({S.QUEUED, S.RUNNING}),
            (S.FAILED,),
            lambda who, obj: who["admin"],
            lambda step: S.FAILED,
            note_required=True,
            applies=lambda who, obj: obj.name != "不适用",
            refusal="名称不适用",
        ),
    }
    options = {
        "name": "test.core",
        "model": ProvisioningRequest,
        "event_model": ProvisioningEvent,
        "transitions": table,
        "refusals": Refusals(
            elsewhere="不在本级",
            wrong_status="“%(status)s”不能%(action)s",
            forbidden="无权%(action)s",
            not_applicable="不能%(action)s",
            not_applicable_because="不能%(action)s：%(reason)s",
        ),
        "in_congress": False,
        "relation": relation,
        "hooks": (hook_one, hook_two),
        "deliver": deliver,
        "event_labels": {"request": "提交申请"},
    }
    options.update(overrides)
    return Workflow(**options)


ADMIN = Access(user=None, congress=None, is_platform_admin=True)
NOBODY = Access(user=None, congress=None)


def _state(request: ProvisioningRequest) -> tuple:
    request.refresh_from_db()
    return request.status, request.error, ProvisioningEvent.objects.filter(request=request).count()


@pytest.mark.django_db
def test_a_step_saves_runs_the_hooks_writes_the_event_notifies_and_commits_in_that_order(
    django_capture_on_commit_callbacks, users
):
    calls = Calls()
    request = _request()
    with django_capture_on_commit_callbacks(execute=True):
        done = apply_transition(
            _workflow(calls),
            access=Access(user=users["wang"], congress=None, is_platform_admin=True),
            obj=request,
            action="start",
            data={"value": 5, "note": "  先开始  "},
        )
    assert done.status == S.RUNNING and done.error == "started"
    event = ProvisioningEvent.objects.get(request=request)
    assert (event.action, event.from_status, event.to_status, event.note) == ("start", S.QUEUED, S.RUNNING, "先开始")
    assert event.actor == users["wang"] and event.data == {"seen": 5, "hooked": True}
    # The hooks ran after the save and before the event row; the notice and the commit came last.
    assert calls.log == [
        ("hook_one", S.RUNNING, 0),
        ("hook_two", "start"),
        ("deliver", "started", [7, 8]),
        ("committed", "start"),
    ]
    assert calls.relations == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("action", "access", "data", "refusal", "field"),
    [
        ("nope", ADMIN, {}, ValidationError, "action"),
        ("start", NOBODY, {}, PermissionDenied, None),
        ("fail", ADMIN, {}, ValidationError, "note"),
        ("start", ADMIN, {"refuse": True}, ValidationError, "refuse"),
    ],
)
def test_a_refused_step_changes_nothing(action, access, data, refusal, field):
    calls = Calls()
    request = _request()
    before = _state(request)
    with pytest.raises(refusal) as refused:
        apply_transition(_workflow(calls), access=access, obj=request, action=action, data=data)
    if field:
        assert field in refused.value.message_dict
    assert _state(request) == before
    assert not [c for c in calls.log if c[0] in ("hook_one", "deliver", "committed")]


@pytest.mark.django_db
def test_the_wrong_status_and_a_failed_condition_are_refused_with_the_workflows_words():
    calls = Calls()
    workflow = _workflow(calls)
    running = apply_transition(workflow, access=ADMIN, obj=_request(), action="start")
    with pytest.raises(ValidationError) as refused:
        apply_transition(workflow, access=ADMIN, obj=running, action="start")
    assert refused.value.message_dict == {"status": ["“创建中”不能开始"]}
    odd = _request()
    ProvisioningRequest.objects.filter(pk=odd.pk).update(name="不适用")
    with pytest.raises(ValidationError) as refused:
        apply_transition(workflow, access=ADMIN, obj=odd, action="fail", data={"note": "x"})
    assert refused.value.message_dict == {"action": ["不能失败：名称不适用"]}


@pytest.mark.django_db
def test_allowed_actions_are_the_steps_that_would_be_accepted_with_one_relation_for_all():
    calls = Calls()
    workflow = _workflow(calls)
    request = _request()
    assert allowed_actions(workflow, ADMIN, request) == ["start", "fail"]
    assert calls.relations == 1
    assert allowed_actions(workflow, NOBODY, request) == []
    ProvisioningRequest.objects.filter(pk=request.pk).update(name="不适用")
    request.refresh_from_db()
    assert allowed_actions(workflow, ADMIN, request) == ["start"]


@pytest.mark.django_db
def test_a_congress_workflow_refuses_a_caller_outside_the_objects_congress(congresses):
    calls = Calls()
    workflow = _workflow(calls, in_congress=True)
    request = _request()
    outsider = Access(user=None, congress=congresses["huaxi"], is_platform_admin=True)
    assert connection.schema_name == "public"
    with pytest.raises(PermissionDenied, match="不在本级"):
        apply_transition(workflow, access=outsider, obj=request, action="start")
    with pytest.raises(PermissionDenied):
        require_here(outsider, "不在本级")
    assert _state(request)[0] == S.QUEUED


@pytest.mark.django_db
def test_record_event_names_no_one_for_the_system_and_defaults_the_statuses(users):
    request = _request()
    event = record_event(ProvisioningEvent, lock(request), actor=None, action="request", data={"a": 1})
    assert (event.actor, event.from_status, event.to_status, event.data) == (None, S.QUEUED, S.QUEUED, {"a": 1})
    labelled = history_rows([event], label=lambda e: _workflow(Calls()).label(e.action), status_labels=dict(S.choices))
    assert [(r.label, r.change, r.actor) for r in labelled] == [("提交申请", "排队中", "")]
