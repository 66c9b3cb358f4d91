"""Every showcase and reporting endpoint and page: a member of another congress (Ma, on Huaxi's host), a user
without the role (Wu, the journalist Sun, a unit's Liu) and the public are refused where they have no right, and
nothing changes."""

import datetime

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from shared_apps.ledger.models import DutyRecord
from tenant_apps.reports.models import Report, Round, Score
from tenant_apps.showcase.models import Story
from tests.support.duty import deputy

pytestmark = pytest.mark.usefixtures("clean_side_channels")

OUTSIDERS = [None, "ma", "wu", "sun", "liu", "chen", "zhou"]


@pytest.fixture
def stage(api_for):
    office = api_for("zhang", "huaxi")
    story = office.post(
        "/api/v1/showcase/stories/",
        {"title": "成绩", "body": "正文", "deputies": [deputy("杨秀英").pk]},
        format="json",
    ).json()
    now = timezone.now()
    made = office.post(
        "/api/v1/reports/rounds/",
        {
            "title": "述职",
            "opens_at": (now - datetime.timedelta(hours=1)).isoformat(),
            "closes_at": (now + datetime.timedelta(days=1)).isoformat(),
        },
        format="json",
    ).json()
    added = office.post(
        f"/api/v1/reports/rounds/{made['id']}/reporters/", {"deputies": [deputy("杨秀英").pk]}, format="json"
    ).json()
    return {"story": story["id"], "round": made["id"], "report": added["reports"][0]["id"]}


def state(congresses):
    with schema_context(congresses["huaxi"].schema_name):
        return (
            list(Story.objects.order_by("pk").values_list("status", "title", "body")),
            list(Round.objects.order_by("pk").values_list("status", "title")),
            list(Report.objects.order_by("pk").values_list("status", "title", "text")),
            Score.objects.count(),
            DutyRecord.objects.count(),
        )


API = [
    ("post", "/api/v1/showcase/stories/", {"title": "x", "body": "y", "deputies": []}),
    ("patch", "/api/v1/showcase/stories/{story}/", {"title": "改"}),
    ("post", "/api/v1/showcase/stories/{story}/transition/", {"action": "send_for_review"}),
    (
        "post",
        "/api/v1/reports/rounds/",
        {"title": "x", "opens_at": "2026-01-01T00:00", "closes_at": "2026-02-01T00:00"},
    ),
    ("patch", "/api/v1/reports/rounds/{round}/", {"title": "改"}),
    ("post", "/api/v1/reports/rounds/{round}/transition/", {"action": "open"}),
    ("post", "/api/v1/reports/rounds/{round}/reporters/", {"deputies": [1]}),
    ("patch", "/api/v1/reports/{report}/", {"title": "改", "text": "改"}),
    ("post", "/api/v1/reports/{report}/transition/", {"action": "publish"}),
    ("get", "/api/v1/reports/{report}/scores/", None),
]


@pytest.mark.parametrize(("method", "path", "body"), API, ids=[f"{m} {p}" for m, p, _ in API])
def test_outsiders_are_refused_and_nothing_changes(api_for, congresses, stage, method, path, body):
    url = path.format(**stage)
    for persona in OUTSIDERS:
        before = state(congresses)
        client = api_for(persona, "huaxi")
        response = getattr(client, method)(url, body, format="json") if body else getattr(client, method)(url)
        assert response.status_code in (401, 403, 404), (persona, response.status_code)
        if persona is None and response.status_code != 404:
            assert response.status_code == 401
        assert state(congresses) == before, persona


def test_the_draft_story_and_report_pages_are_refused_to_outsiders(client_for, stage):
    for persona in OUTSIDERS:
        for path in (f"/showcase/stories/{stage['story']}/", f"/reports/{stage['report']}/"):
            response = client_for(persona, "huaxi").get(path)
            assert response.status_code == 404, (persona, path)
        for path in ("/showcase/stories/new/", "/reports/rounds/new/", f"/reports/{stage['report']}/moderation/"):
            response = client_for(persona, "huaxi").get(path)
            assert response.status_code in (302, 403), (persona, path)


def test_a_file_upload_by_an_outsider_is_refused(api_for, congresses, stage):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.support.images import image_bytes

    for persona in OUTSIDERS:
        before = state(congresses)
        photo = SimpleUploadedFile("a.png", image_bytes("png"), content_type="image/png")
        story = api_for(persona, "huaxi").post(
            f"/api/v1/showcase/stories/{stage['story']}/photos/", {"file": photo}, format="multipart"
        )
        attachment = SimpleUploadedFile("a.png", image_bytes("png"), content_type="image/png")
        report = api_for(persona, "huaxi").post(
            f"/api/v1/reports/{stage['report']}/files/", {"file": attachment}, format="multipart"
        )
        assert story.status_code in (401, 403) and report.status_code in (401, 403, 404), persona
        assert state(congresses) == before
