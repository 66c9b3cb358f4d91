"""The showcase: each deputy's public page where they sit, and achievement stories — drafted by the office,
read by the deputies they name (agree, or ask for changes with a reason), published on the front page, offered
to the congress above through the exchange and featured there with the source shown."""

import pytest
from django_tenants.utils import schema_context

from shared_apps.notifications.models import Notification
from tenant_apps.showcase.models import Story
from tests.support.duty import deputy
from tests.support.jobs import run_queued_jobs

pytestmark = pytest.mark.usefixtures("clean_side_channels")

STORY = {"title": "杨秀英代表推动青岩古镇停车难问题解决", "body": "经过三次走访和专题调研，新增停车位三百个。"}


def draft(api_for, **changes):
    response = api_for("zhang", "huaxi").post(
        "/api/v1/showcase/stories/", {**STORY, "deputies": [deputy("杨秀英").pk], **changes}, format="json"
    )
    assert response.status_code == 201, response.content
    return response.json()


def act(api_for, persona, pk, action, note="", host="huaxi"):
    return api_for(persona, host).post(
        f"/api/v1/showcase/stories/{pk}/transition/", {"action": action, "note": note}, format="json"
    )


def test_a_story_is_read_by_its_deputy_published_and_featured_above(api_for, client_for, users, congresses):
    story = draft(api_for)
    assert api_for(None, "huaxi").get(f"/api/v1/showcase/stories/{story['id']}/").status_code == 404  # a draft
    assert act(api_for, "zhang", story["id"], "send_for_review").json()["status"] == "review"
    assert Notification.objects.filter(kind="showcase_review", user=users["yang"]).exists()

    # She asks for a change: a reason is required; the draft comes back to the office.
    assert act(api_for, "yang", story["id"], "ask_changes").status_code == 400
    assert act(api_for, "yang", story["id"], "ask_changes", "请补充群众评价").json()["status"] == "draft"
    api_for("zhang", "huaxi").patch(
        f"/api/v1/showcase/stories/{story['id']}/", {"body": STORY["body"] + "群众满意度明显提升。"}, format="json"
    )
    act(api_for, "zhang", story["id"], "send_for_review")
    assert act(api_for, "zhang", story["id"], "publish").status_code == 400  # not agreed yet
    agreed = act(api_for, "yang", story["id"], "agree")
    assert agreed.json()["status"] == "approved"
    assert Notification.objects.filter(kind="showcase_approved", user=users["zhang"]).exists()
    published = act(api_for, "zhang", story["id"], "publish")
    assert published.json()["status"] == "published"

    # Public on the front page and on her page.
    front = client_for(None, "huaxi").get("/")
    assert STORY["title"] in front.content.decode()
    page = api_for(None, "huaxi").get(f"/api/v1/showcase/deputies/{deputy('杨秀英').pk}/").json()
    assert story["id"] in page["stories"]

    # Offered to Guiyang (the city above) through the exchange; featured there with its source.
    assert run_queued_jobs("exchange.deliver_transfer") == 1
    with schema_context(congresses["guiyang"].schema_name):
        copy = Story.objects.get(source_story_id=story["id"])
        assert (copy.status, copy.source_name) == ("offered", congresses["huaxi"].name)


def test_the_upper_office_features_and_a_withdrawal_takes_it_down(api_for, congresses, users):
    from django.contrib.auth import get_user_model

    from shared_apps.memberships.services import membership_grant

    story = draft(api_for)
    act(api_for, "zhang", story["id"], "send_for_review")
    act(api_for, "yang", story["id"], "agree")
    act(api_for, "zhang", story["id"], "publish")
    run_queued_jobs("exchange.deliver_transfer")
    city = get_user_model().objects.create_user(email="city-office@example.org", name="市人大")
    membership_grant(actor=None, user=city, congress=congresses["guiyang"], role="office_staff")
    client = api_for(None, "guiyang")
    client.force_login(city)
    with schema_context(congresses["guiyang"].schema_name):
        copy_id = Story.objects.get(source_story_id=story["id"]).pk
    assert (
        client.post(f"/api/v1/showcase/stories/{copy_id}/transition/", {"action": "feature"}, format="json").json()[
            "status"
        ]
        == "featured"
    )
    listed = api_for(None, "guiyang").get("/api/v1/showcase/stories/").json()
    assert [(s["title"], s["source_congress"]) for s in listed] == [(STORY["title"], congresses["huaxi"].name)]

    assert act(api_for, "zhang", story["id"], "withdraw").status_code == 400  # a reason
    assert act(api_for, "zhang", story["id"], "withdraw", "数据有误").json()["status"] == "withdrawn"
    run_queued_jobs("exchange.deliver_transfer")
    assert api_for(None, "guiyang").get("/api/v1/showcase/stories/").json() == []


def test_only_the_office_writes_and_only_named_deputies_review(api_for):
    for persona in (None, "wu", "sun", "yang", "ma"):
        response = api_for(persona, "huaxi").post(
            "/api/v1/showcase/stories/", {**STORY, "deputies": [deputy("杨秀英").pk]}, format="json"
        )
        assert response.status_code in (401, 403)
    story = draft(api_for, deputies=[deputy("罗国华").pk])
    act(api_for, "zhang", story["id"], "send_for_review")
    assert act(api_for, "yang", story["id"], "agree").status_code in (403, 404)  # not named


def test_bad_story_input_changes_nothing(api_for):
    client = api_for("zhang", "huaxi")
    bad = client.post("/api/v1/showcase/stories/", {"title": "", "body": "x", "deputies": []}, format="json")
    assert bad.status_code == 400 and "title" in bad.json()
    outside = client.post("/api/v1/showcase/stories/", {**STORY, "deputies": [deputy("田芳").pk]}, format="json")
    assert outside.status_code == 400 and "deputies" in outside.json()
    assert client.get("/api/v1/showcase/stories/").json() == []


def test_a_deputy_page_shows_her_station_duties_and_message_link(api_for, client_for):
    page = client_for(None, "huaxi").get(f"/showcase/deputies/{deputy('杨秀英').pk}/")
    body = page.content.decode()
    assert page.status_code == 200 and "杨秀英" in body and "给代表留言" in body
    assert client_for(None, "honghuagang").get(f"/showcase/deputies/{deputy('杨秀英').pk}/").status_code == 404
    assert client_for(None, "huaxi").get("/showcase/").status_code == 200


def test_story_pages_for_each_persona(api_for, client_for):
    story = draft(api_for)
    for persona, expected in (("zhang", 200), ("yang", 200), (None, 404), ("wu", 404), ("ma", 404), ("sun", 404)):
        assert client_for(persona, "huaxi").get(f"/showcase/stories/{story['id']}/").status_code == expected, persona
    assert client_for("zhang", "huaxi").get("/showcase/stories/new/").status_code == 200
    assert client_for("yang", "huaxi").get("/showcase/stories/new/").status_code == 403
    refused = client_for("zhang", "huaxi").post(f"/showcase/stories/{story['id']}/action/", {"action": "publish"})
    assert refused.status_code == 400


def test_a_story_withdrawn_below_cannot_be_featured_above(api_for, congresses):
    story = draft(api_for)
    act(api_for, "zhang", story["id"], "send_for_review")
    act(api_for, "yang", story["id"], "agree")
    act(api_for, "zhang", story["id"], "publish")
    act(api_for, "zhang", story["id"], "withdraw", "数据有误")
    assert run_queued_jobs("exchange.deliver_transfer") == 2
    with schema_context(congresses["guiyang"].schema_name):
        copy = Story.objects.get(source_story_id=story["id"])
        assert copy.status == "withdrawn"
