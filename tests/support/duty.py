"""Duty-module helpers: an activity made through the API as Huaxi's office, deputies by name, ledger rows."""

import datetime

from django.utils import timezone

from shared_apps.ledger.models import DutyRecord
from shared_apps.registry.models import Deputy


def deputy(name: str) -> Deputy:
    return Deputy.objects.get(name=name)


def activity_data(**changes) -> dict:
    now = timezone.now()
    data = {
        "kind": "inspection",
        "title": "集中视察城乡供水工程",
        "place": "花溪区水务局",
        "organiser": "区人大常委会代表工委",
        "starts_at": (now - datetime.timedelta(minutes=10)).isoformat(),
        "ends_at": (now + datetime.timedelta(hours=2)).isoformat(),
        "description": "视察供水保障和管网改造情况。",
    }
    data.update(changes)
    return data


def make_activity(api_for, *, invite=(), publish=False, host="huaxi", persona="zhang", **changes) -> dict:
    client = api_for(persona, host)
    response = client.post("/api/v1/duty/activities/", activity_data(**changes), format="json")
    assert response.status_code == 201, response.content
    activity = response.json()
    if invite:
        response = client.post(
            f"/api/v1/duty/activities/{activity['id']}/invitations/", {"deputies": list(invite)}, format="json"
        )
        assert response.status_code == 201, response.content
        activity = response.json()
    if publish:
        response = client.post(
            f"/api/v1/duty/activities/{activity['id']}/transition/", {"action": "publish"}, format="json"
        )
        assert response.status_code == 200, response.content
        activity = response.json()
    return activity


def records_of(deputy_obj, **filters) -> list[tuple]:
    rows = DutyRecord.objects.filter(deputy=deputy_obj, **filters).order_by("kind", "congress_id")
    return list(rows.values_list("kind", "congress__subdomain", "public"))
