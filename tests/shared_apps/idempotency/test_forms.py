"""One-time tokens on the web forms that create (issue 16, part 4): the public's message, a deputy's draft, and
the two replies (the handling unit's to a suggestion, the handler's to a public message). A double submit makes
one row and takes the person to what the first made; a page drawn again after an error keeps the token and
what was typed; a POST without a token (a page opened before the deploy) is a plain first submission."""

import re

import pytest

from shared_apps.idempotency.models import IdempotencyKey
from tenant_apps.liaison.models import MessageEvent, PublicMessage
from tenant_apps.suggestions.models import Status, Suggestion, SuggestionEvent
from tests.support.suggestions import everything

pytestmark = pytest.mark.usefixtures("clean_side_channels")

TOKEN = re.compile(r'name="once_token" value="([0-9a-f]{32})"')
ALREADY = "这份表单已经提交过"
TEXT = "青岩古镇周末停车难，游客车辆占道，居民出行不便，希望增设停车场。"


def token_of(response) -> str:
    found = TOKEN.findall(response.content.decode())
    assert len(found) == 1, found
    return found[0]


# -- the public's message ------------------------------------------------------------------------------------


def message_form(token: str | None = None, **changes) -> dict:
    form = {"category": "problem", "text": TEXT, "sender_name": "王五", "mobile": "13985016688", **changes}
    return {**form, "once_token": token} if token else form


def messages_sent(desk) -> int:
    with desk.qingyan:
        return PublicMessage.objects.filter(text=TEXT).count()


def test_a_double_submitted_message_is_sent_once_and_shows_the_same_confirmation(desk, client_for):
    sender = client_for(None, "qingyan")
    url = f"/liaison/s/{desk.station.code}/message/"
    token = token_of(sender.get(url))
    first = sender.post(url, message_form(token))
    assert first.status_code == 302
    again = sender.post(url, message_form(token))
    assert again.status_code == 302 and again["Location"] == first["Location"]
    assert messages_sent(desk) == 1
    with desk.qingyan:
        code = PublicMessage.objects.get(text=TEXT).tracking_code
    page = sender.get(again["Location"]).content.decode()
    assert code in page and ALREADY in page
    # A retry after a timeout from a client that never got the first answer (nor its session cookie): the same
    # confirmation with the same tracking code, and still one message.
    retry = client_for(None, "qingyan")
    assert code in retry.get(retry.post(url, message_form(token))["Location"]).content.decode()
    assert messages_sent(desk) == 1


def test_the_message_form_after_an_error_keeps_the_token_and_the_text(desk, client_for):
    sender = client_for(None, "qingyan")
    url = f"/liaison/s/{desk.station.code}/message/"
    token = token_of(sender.get(url))
    refused = sender.post(url, message_form(token, mobile="123"))
    assert refused.status_code == 200 and messages_sent(desk) == 0
    assert token_of(refused) == token and TEXT in refused.content.decode() and "王五" in refused.content.decode()
    assert sender.post(url, message_form(token)).status_code == 302
    assert sender.post(url, message_form(token)).status_code == 302
    assert messages_sent(desk) == 1


@pytest.mark.parametrize("token", [None, "not-a-token", "0" * 31])
def test_a_message_without_a_valid_token_is_a_first_submission(desk, client_for, token):
    """A tab opened before the deploy has no token: what was typed is sent, as before (a malformed token alike)."""
    sender = client_for(None, "qingyan")
    url = f"/liaison/s/{desk.station.code}/message/"
    form = message_form(**({"once_token": token} if token else {}))
    assert sender.post(url, form).status_code == 302
    assert messages_sent(desk) == 1 and not IdempotencyKey.objects.exists()


# -- a deputy's draft ---------------------------------------------------------------------------------------


def draft_form(token: str, **changes) -> dict:
    form = {"kind": "suggestion", "title": "关于青岩古镇停车的建议", "body": TEXT, "raised_during": "between_sessions"}
    return {**form, "once_token": token, **changes}


def drafts(congresses) -> list[int]:
    with congresses["huaxi"]:
        return list(Suggestion.objects.filter(title="关于青岩古镇停车的建议").values_list("pk", flat=True))


def test_a_double_submitted_draft_is_made_once(congresses, client_for):
    yang = client_for("yang", "huaxi")
    token = token_of(yang.get("/suggestions/new/"))
    first = yang.post("/suggestions/new/", draft_form(token))
    assert first.status_code == 302
    [pk] = drafts(congresses)
    assert first["Location"] == f"/suggestions/{pk}/"
    again = yang.post("/suggestions/new/", draft_form(token))
    assert again.status_code == 302 and again["Location"] == first["Location"]
    assert drafts(congresses) == [pk]
    assert ALREADY in yang.get(again["Location"]).content.decode()


def test_the_draft_form_after_an_error_keeps_the_token_and_the_text(congresses, client_for):
    yang = client_for("yang", "huaxi")
    token = token_of(yang.get("/suggestions/new/"))
    refused = yang.post("/suggestions/new/", draft_form(token, title=""))
    assert refused.status_code == 200 and drafts(congresses) == []
    assert token_of(refused) == token and TEXT in refused.content.decode()
    assert yang.post("/suggestions/new/", draft_form(token)).status_code == 302
    assert yang.post("/suggestions/new/", draft_form(token)).status_code == 302
    assert len(drafts(congresses)) == 1


def test_another_persons_token_is_their_own(congresses, client_for):
    """A token is one person's: Zhao (delegation staff) posting Yang's token is not taken to Yang's draft."""
    yang = client_for("yang", "huaxi")
    token = token_of(yang.get("/suggestions/new/"))
    assert yang.post("/suggestions/new/", draft_form(token)).status_code == 302
    assert IdempotencyKey.objects.count() == 1
    for persona in ("wu", "ma"):  # no role here; a member of another congress
        response = client_for(persona, "huaxi").post("/suggestions/new/", draft_form(token))
        assert response.status_code in (403, 404), persona
    assert len(drafts(congresses)) == 1 and IdempotencyKey.objects.count() == 1


# -- the handling unit's reply to a suggestion --------------------------------------------------------------


def reply_form(token: str, **changes) -> dict:
    return {
        "action": "reply",
        "confirm": "1",
        "result_category": "A",
        "reply_public_text": "已增设停车场和接驳车。",
        "once_token": token,
        **changes,
    }


def test_a_double_submitted_suggestion_reply_is_made_once(world, client_for):
    with world.huaxi:
        item = world.drive(Status.ASSIGNED)
        world.letter(item)
    liu = client_for("liu", "huaxi")
    token = token_of(liu.get(f"/suggestions/{item.pk}/"))
    url = f"/suggestions/{item.pk}/transition/"
    assert liu.post(url, reply_form(token)).status_code == 302
    with world.huaxi:
        after_first = everything(item.pk)
    again = liu.post(url, reply_form(token))
    assert again.status_code == 302 and again["Location"] == f"/suggestions/{item.pk}/"
    page = liu.get(again["Location"]).content.decode()
    assert ALREADY in page and "不允许" not in page
    with world.huaxi:
        assert everything(item.pk) == after_first
        assert SuggestionEvent.objects.filter(suggestion_id=item.pk, action="reply").count() == 1
        assert Suggestion.objects.get(pk=item.pk).reply_round == 1


def test_the_suggestion_reply_after_an_error_keeps_the_token_and_the_text(world, client_for):
    with world.huaxi:
        item = world.drive(Status.ASSIGNED)
        world.letter(item)
        before = everything(item.pk)
    liu = client_for("liu", "huaxi")
    token = token_of(liu.get(f"/suggestions/{item.pk}/"))
    url = f"/suggestions/{item.pk}/transition/"
    refused = liu.post(url, reply_form(token, confirm=""))
    assert refused.status_code == 400
    assert token_of(refused) == token and "已增设停车场和接驳车。" in refused.content.decode()
    with world.huaxi:
        assert everything(item.pk) == before
    assert liu.post(url, reply_form(token)).status_code == 302
    assert liu.post(url, reply_form(token)).status_code == 302
    with world.huaxi:
        assert SuggestionEvent.objects.filter(suggestion_id=item.pk, action="reply").count() == 1


def test_the_suggestion_reply_with_a_token_is_refused_to_others(world, client_for):
    with world.huaxi:
        item = world.drive(Status.ASSIGNED)
        world.letter(item)
        before = everything(item.pk)
    token = token_of(client_for("liu", "huaxi").get(f"/suggestions/{item.pk}/"))
    for persona in ("ma", "wu", "yang"):  # another congress; no role; the item's deputy
        response = client_for(persona, "huaxi").post(f"/suggestions/{item.pk}/transition/", reply_form(token))
        assert response.status_code in (302, 403, 404), persona
    with world.huaxi:
        assert everything(item.pk) == before
    assert not IdempotencyKey.objects.exists()


# -- the reply to a public message --------------------------------------------------------------------------


def replies(desk, message) -> int:
    with desk.qingyan:
        return MessageEvent.objects.filter(message_id=message.pk, action="reply").count()


def test_a_double_submitted_message_reply_is_made_once(desk, client_for):
    message = desk.send()
    yang = client_for("yang", "qingyan")
    token = token_of(yang.get(f"/liaison/messages/{message.pk}/"))
    url = f"/liaison/messages/{message.pk}/act/"
    form = {"action": "reply", "reply_text": "已请镇交管办在周末增派人员疏导。", "once_token": token}
    assert yang.post(url, form).status_code == 302
    again = yang.post(url, form)
    assert again.status_code == 302 and again["Location"] == f"/liaison/messages/{message.pk}/"
    assert ALREADY in yang.get(again["Location"]).content.decode()
    assert replies(desk, message) == 1


def test_the_message_reply_after_an_error_keeps_the_token_and_the_text(desk, client_for):
    message = desk.send()
    yang = client_for("yang", "qingyan")
    token = token_of(yang.get(f"/liaison/messages/{message.pk}/"))
    url = f"/liaison/messages/{message.pk}/act/"
    refused = yang.post(
        url, {"action": "reply", "reply_text": "", "public_reply_text": "已安排疏导。", "once_token": token}
    )
    assert refused.status_code == 400 and replies(desk, message) == 0
    assert token_of(refused) == token and "已安排疏导。" in refused.content.decode()
    form = {"action": "reply", "reply_text": "已安排。", "public_reply_text": "已安排疏导。", "once_token": token}
    assert yang.post(url, form).status_code == 302
    assert yang.post(url, form).status_code == 302
    assert replies(desk, message) == 1


def test_the_message_reply_with_a_token_is_refused_to_others(desk, client_for):
    message = desk.send()
    token = token_of(client_for("yang", "qingyan").get(f"/liaison/messages/{message.pk}/"))
    form = {"action": "reply", "reply_text": "代为答复。", "once_token": token}
    for persona in ("ma", "wu", "li"):  # another congress; no role; the county's admin, not this station's
        response = client_for(persona, "qingyan").post(f"/liaison/messages/{message.pk}/act/", form)
        assert response.status_code in (302, 403, 404), persona
    assert replies(desk, message) == 0 and not IdempotencyKey.objects.exists()
