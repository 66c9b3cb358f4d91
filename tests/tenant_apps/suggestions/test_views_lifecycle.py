"""Issue 4 is done when a suggestion goes from draft to closed THROUGH THE PAGES: every step is a form posted by
the persona who may take it, and at each step a wrong persona's post is refused and changes nothing.
(The same path through the API: test_workflow.test_from_draft_to_closed_through_the_api.)"""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from shared_apps.registry.selectors import term_current
from tenant_apps.suggestions.action_panels import CONFIRM
from tenant_apps.suggestions.models import Status, Suggestion
from tenant_apps.suggestions.workflow import TRANSITIONS
from tests.support.registry import seated_deputy
from tests.support.suggestions import LETTER, everything
from tests.support.web import host_of

TITLE = "关于花溪湿地公园步道维护的建议"
# World: the education bureau (Liu) will lead, the court (Kong) join; Hu staffs a unit the item never reaches.


def test_from_draft_to_closed_through_the_pages(world):
    huaxi = world.huaxi
    term = term_current(huaxi)
    signers = [seated_deputy(n, term, f"walker{n}@example.org") for n in (61, 62)]

    def client(persona) -> Client:
        """A signed-in client on Huaxi: a persona (Kong and Hu included), or co-signer 0 or 1."""
        made = Client(HTTP_HOST=host_of("huaxi"))
        made.force_login(signers[persona].user if isinstance(persona, int) else world.users[persona])
        return made

    state = {}

    def item() -> Suggestion:
        with huaxi:
            return Suggestion.objects.get(pk=state["pk"])

    def post(persona, path, data=None):
        """Post a form as the persona, follow the redirect, return (status, page)."""
        response = client(persona).post(f"/suggestions/{state['pk']}/{path}", data or {}, follow=True)
        return response.status_code, response.content.decode()

    def refused(persona, path, data=None, message=None):
        with huaxi:
            before = everything(state["pk"])
        code, page = post(persona, path, data)
        assert code in (403, 404) or (message or '<li class="error">') in page, (persona, path, code)
        with huaxi:
            assert everything(state["pk"]) == before, (persona, path)

    def done(persona, path, data=None, *, status, message):
        code, page = post(persona, path, data)
        assert code == 200 and '<li class="success">' in page and message in page, (persona, path)
        assert item().status == status

    # The deputy drafts with the form; a journalist may not.
    draft = {"kind": "suggestion", "title": TITLE, "body": "步道破损。", "raised_during": "between_sessions"}
    assert client("sun").post("/suggestions/new/", draft).status_code == 403
    response = client("yang").post("/suggestions/new/", draft, follow=True)
    assert response.status_code == 200 and "已保存草稿" in response.content.decode()
    with huaxi:
        state["pk"] = Suggestion.objects.get(title=TITLE).pk
    assert item().status == Status.DRAFT

    # The deputy names two co-signers found on the draft's page; the office does not see the draft.
    assert "代表61" in client("yang").get(f"/suggestions/{state['pk']}/", {"find": "代表6"}).content.decode()
    refused("zhang", "cosigners/", {"deputy": signers[0].pk})
    for signer in signers:
        done("yang", "cosigners/", {"deputy": signer.pk}, status=Status.DRAFT, message="已邀请附议代表")
    refused(0, "cosigners/", {"deputy": signers[0].pk}, message="只有领衔代表可以邀请附议代表")

    # Each co-signer confirms on the item's page; nobody confirms for them.
    for n in (0, 1):
        assert "确认附议" in client(n).get(f"/suggestions/{state['pk']}/").content.decode()
        refused("yang", "cosigners/confirm/", message="只有被邀请的附议代表本人可以确认附议")
        done(n, "cosigners/confirm/", status=Status.DRAFT, message="已确认附议")

    def act(persona, action, wrong, *, status, **data):
        for other in wrong:
            refused(other, "transition/", {"action": action, "confirm": "1", **data})
        if action in CONFIRM:  # a step that cannot be undone is refused until its box is ticked
            refused(persona, "transition/", {"action": action, **data}, message="请勾选确认后再提交")
        label = TRANSITIONS[action].label
        done(persona, "transition/", {"action": action, "confirm": "1", **data}, status=status, message=f"已{label}")

    act("yang", "submit", ["liu", "zhang", 0], status=Status.SUBMITTED)
    act("zhang", "accept", ["yang", "zhao", "sun"], status=Status.ACCEPTED)
    units = {"lead_unit": world.bureau.pk, "joint_units": [world.court.pk]}
    act("zhang", "assign", ["yang", "liu"], status=Status.ASSIGNED, **units)
    with huaxi:
        assert set(item().assignments.values_list("unit_id", "role")) == {
            (world.bureau.pk, "lead"),
            (world.court.pk, "joint"),
        }

    # The lead unit logs the face-to-face meeting (面商); the office and other units may not.
    meeting = {
        "kind": "meeting",
        "happened_on": timezone.localdate().isoformat(),
        "form": "实地察看",
        "summary": "与杨代表一起察看步道。",
    }
    for other in ("hu", "zhang", "yang"):
        refused(other, "contacts/", meeting)
    done("liu", "contacts/", meeting, status=Status.ASSIGNED, message="已记录沟通情况")

    # The joint unit sends its opinion; the lead unit does not send one.
    opinion = {"text": "同意主办单位的维护方案。"}
    for other in ("liu", "hu", "yang"):
        refused(other, "joint-opinion/", opinion)
    done("kong", "joint-opinion/", opinion, status=Status.ASSIGNED, message="已提交会办意见")

    # The lead unit replies with a category (and what it commits to); the deputy is unsatisfied.
    first = {"result_category": "B", "reply_public_text": "分段维修。", "commitment_text": "年内完成全部步道维修。"}
    refused("liu", "transition/", {"action": "reply", "confirm": "1", **first}, message="请先上传本次答复的答复函")

    def letter(status):
        upload = SimpleUploadedFile("答复函.pdf", LETTER, content_type="application/pdf")
        done("liu", "attachments/", {"kind": "reply_letter", "file": upload}, status=status, message="答复函.pdf")

    letter(Status.ASSIGNED)
    act("liu", "reply", ["kong", "hu", "yang", "zhang"], status=Status.REPLIED, **first)
    assert item().reply_round == 1 and item().result_category == "B"
    listing = client("yang").get("/suggestions/").content.decode()
    assert "待评价答复" in listing and TITLE in listing
    rating = {"action": "evaluate", "attitude": "satisfied", "result": "unsatisfied", "confirm": "1"}
    refused("yang", "transition/", rating, message="请写明理由")
    unsatisfied = {"attitude": "basically_satisfied", "result": "unsatisfied", "reason": "北段仍未修复。"}
    act("yang", "evaluate", ["liu", "zhang", "zhao"], status=Status.REHANDLING, **unsatisfied)

    # Re-handling: the lead unit replies again, the deputy is satisfied, the item is closed.
    letter(Status.REHANDLING)
    second = {"result_category": "A", "reply_public_text": "已全部修复。"}
    act("liu", "reply", ["kong", "yang"], status=Status.REPLIED, **second)
    assert item().reply_round == 2
    satisfied = {"attitude": "satisfied", "result": "satisfied"}
    act("yang", "evaluate", ["liu", "kong", "zhang"], status=Status.CLOSED, **satisfied)
    final = item()
    assert final.closed_at is not None and final.result_category == "A"

    office = client("zhang").get(f"/suggestions/{state['pk']}/").content.decode()
    assert "已办结" in office and "实地察看" in office and "同意主办单位的维护方案" in office
    with huaxi:
        actions = list(final.events.values_list("action", flat=True))
    assert actions == [
        "create",
        "cosigner_add",
        "cosigner_add",
        "cosigner_confirm",
        "cosigner_confirm",
        "submit",
        "accept",
        "assign",
        "contact_log",
        "joint_opinion",
        "attachment_add",
        "reply",
        "evaluate",
        "attachment_add",
        "reply",
        "evaluate",
    ]
    assert "待评价答复" not in client("yang").get("/suggestions/").content.decode()
