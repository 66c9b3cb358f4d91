"""The item page as the persons who act on it read it (issue 11): one panel per allowed action with its heading,
a confirmation for steps that cannot be undone, the input kept when a post is refused, no pre-chosen answer,
and every reply with its evaluations (reasons included) shown to the office, the deputies and the units."""

import re

from tenant_apps.suggestions.models import Status, Suggestion
from tests.support.suggestions import World


def page(client_for, persona: str, item: Suggestion) -> str:
    response = client_for(persona, "huaxi").get(f"/suggestions/{item.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def post(client_for, persona: str, item: Suggestion, data: dict):
    return client_for(persona, "huaxi").post(f"/suggestions/{item.pk}/transition/", data)


def test_each_allowed_action_is_a_panel_with_a_heading_and_a_confirmation(world: World, client_for):
    with world.huaxi:
        item = world.drive(Status.ASSIGNED)
    html = page(client_for, "liu", item)
    assert 'id="h-reply"' in html and 'id="h-return_misassigned"' in html and 'id="h-contact"' in html
    assert html.index('id="h-contact"') < html.index('id="h-reply"')  # the steps before the reply come first
    reply_form = html[html.index('id="action-reply"') : html.index("</form>", html.index('id="action-reply"'))]
    assert 'name="confirm"' in reply_form and "不能修改" in reply_form
    assert "✓ 答复函已上传" not in html and "须先上传答复函" in html  # World uploads the letter only when replying


def test_a_refused_reply_keeps_what_was_typed(world: World, client_for):
    with world.huaxi:
        item = world.drive(Status.ASSIGNED)
    text = "已增设停车场，周末开通接驳车。" * 3
    response = post(client_for, "liu", item, {"action": "reply", "result_category": "A", "reply_public_text": text})
    html = response.content.decode()
    assert response.status_code == 400 and "请勾选确认后再提交" in html
    assert f">{text}</textarea>" in html and re.search(r'value="A"\s+selected', html)
    with world.huaxi:
        item.refresh_from_db()
    assert item.status == Status.ASSIGNED
    confirmed = post(
        client_for, "liu", item, {"action": "reply", "result_category": "A", "reply_public_text": text, "confirm": "1"}
    )
    assert confirmed.status_code == 400 and "请先上传本次答复的答复函" in confirmed.content.decode()


def test_the_evaluation_has_no_preset_answer_and_an_unsatisfied_one_asks_why(world: World, client_for):
    with world.huaxi:
        item = world.drive(Status.REPLIED)
    html = page(client_for, "yang", item)
    form = html[html.index('id="action-evaluate"') : html.index("</form>", html.index('id="action-evaluate"'))]
    assert 'type="radio"' in form and "checked" not in form and "理由（基本满意或不满意时必填）" in form
    data = {"action": "evaluate", "attitude": "satisfied", "result": "unsatisfied", "confirm": "1"}
    refused = post(client_for, "yang", item, data)
    assert refused.status_code == 400 and "请写明理由" in refused.content.decode()
    assert re.search(r'value="unsatisfied" required\s+checked', refused.content.decode().replace("\n", " ")) or (
        "checked" in refused.content.decode()
    )
    done = post(client_for, "yang", item, {**data, "reason": "北段步道仍未修复。"})
    assert done.status_code == 302
    for persona in ("liu", "zhang", "yang"):  # the unit, the office, the deputy
        html = page(client_for, persona, item)
        assert "第1次答复" in html and "北段步道仍未修复。" in html and "不满意" in html, persona


def test_re_handling_shows_the_earlier_reply_and_the_history_to_the_deputy(world: World, client_for):
    with world.huaxi:
        item = world.drive(Status.REHANDLING)
        item = world.act(item, "liu", "reply", reply_public_text="第二次答复：停车场已开放。")
    html = page(client_for, "yang", item)
    assert "第1次答复" in html and "已增设停车场和接驳车。" in html  # the first reply, kept
    assert "第2次答复" in html and "第二次答复：停车场已开放。" in html
    assert "停车场仍未开放。" in html  # the reason of the first evaluation
    assert 'id="history"' in html  # the deputy follows the handling


def test_the_assignment_pickers_choose_nothing_and_keep_the_choice_on_error(world: World, client_for):
    with world.huaxi:
        item = world.drive(Status.ACCEPTED)
    html = page(client_for, "zhang", item)
    form = html[html.index('id="action-assign"') : html.index("</form>", html.index('id="action-assign"'))]
    assert "checked" not in form and "multiple" not in form and 'data-filter="pick-lead"' in form
    assert form.count(f'value="{world.bureau.pk}"') == 4  # lead, joint, assisting, separate
    refused = post(client_for, "zhang", item, {"action": "assign", "joint_units": [world.court.pk], "confirm": "1"})
    html = refused.content.decode()
    assert refused.status_code == 400
    joint = html[html.index('id="pick-joint"') : html.index("</div>", html.index('id="pick-joint"'))]
    assert re.search(rf'value="{world.court.pk}"\s+checked', joint)
