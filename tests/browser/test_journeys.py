"""The journeys of issue 11, walked in Chromium by the personas of the demo province at phone and desktop
width (conftest.py holds every page to the suite's rules and saves its screenshots):

(a) one login across three hosts; (b) a suggestion from draft to 不满意 → re-handling → 满意 by four personas,
each notification arriving; (c) a public message with its tracking code (sent twice by the network: one message,
the second answer saying so), escalated by the township and accepted and answered by the county; (d) a township
provisioned from the console; (e) the English switch.
"""

import re
import time
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

DEPUTY, OFFICE, UNIT = "deputy.yang@example.org", "huaxi.office@example.org", "huaxi.unit@example.org"
LETTER = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _eventually(check, timeout: float = 20.0):
    """Poll `check` (the worker runs after commit) until it returns something true."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.25)
    raise AssertionError("not within the time allowed")


def _notice(walk, subdomain: str, words: str) -> None:
    """The persona's notices list the step; opening the notice leads to the item."""
    walk.go(subdomain, "/me/notices/")
    notice = walk.page.locator(".notice-list li", has_text=words).first
    expect(notice).to_be_visible()
    walk.check("notices")
    notice.get_by_role("button", name="查看").click()
    walk.page.wait_for_load_state()


def _act(walk, action: str, **fields) -> None:
    """Fill the action's panel on the item page, tick its confirmation if it has one, and post it."""
    form = walk.page.locator(f"#action-{action}")
    for name, value in fields.items():
        field = form.locator(f"[name={name}]")
        if field.first.get_attribute("type") == "radio":
            form.locator(f"[name={name}][value={value}]").check()
        elif field.first.evaluate("e => e.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)
    confirm = form.locator("input[name=confirm]")
    if confirm.count():
        confirm.check()
    form.locator("button[type=submit]").last.click()
    walk.page.wait_for_load_state()


def _letter(walk, tmp_path) -> None:
    path = tmp_path / "答复函.pdf"
    path.write_bytes(LETTER)
    form = walk.page.locator("form[action$='/attachments/']")
    form.locator("select[name=kind]").select_option("reply_letter")
    form.locator("input[type=file]").set_input_files(str(path))
    form.locator("button[type=submit]").click()
    walk.page.wait_for_load_state()
    expect(walk.page.locator(".messages")).to_contain_text("已上传")


def test_one_login_across_three_hosts(walk_as):
    walk = walk_as("login")
    walk.sign_in(DEPUTY)
    expect(walk.page).to_have_url(re.compile(r"/me/workspace/$"))  # signing in lands on the workspace
    expect(walk.page.locator("h1")).to_contain_text("杨秀英代表的工作台")
    walk.check("workspace-root")
    for subdomain in ("huaxi", "qingyan"):
        walk.go(subdomain, "/me/workspace/")
        expect(walk.page.locator(".topbar-me")).to_contain_text("杨秀英")  # signed in there too, phones included
        walk.check(f"workspace-{subdomain}")


def test_a_suggestion_from_draft_to_unsatisfied_re_handled_and_satisfied(walk_as, size, tmp_path, demo_site):
    title = f"关于花溪公园增设无障碍通道的建议（{size}）"
    yang = walk_as("suggestion-deputy")
    yang.sign_in(DEPUTY, "huaxi")
    yang.go("huaxi", "/suggestions/new/")
    yang.page.fill("[name=title]", title)
    yang.page.fill("[name=body]", "公园南门台阶较多，轮椅和童车难以通行，建议增设无障碍坡道。")
    yang.page.locator("form button[type=submit]", has_text="保存草稿").click()
    yang.check("draft")
    _act(yang, "submit")
    expect(yang.page.locator(".messages")).to_contain_text("已提交")
    yang.go("huaxi", "/suggestions/")  # the list: a table on a desk, cards on a phone
    expect(yang.page.locator("table.cards").last).to_contain_text(title)
    yang.check("list")

    office = walk_as("suggestion-office")
    office.sign_in(OFFICE, "huaxi")
    office.page.get_by_role("link", name=re.compile(re.escape(title))).first.click()  # named on the workspace
    office.page.wait_for_load_state()
    office.check("review")
    _act(office, "accept")
    office.page.fill("#find-lead", "住房")  # the filter box instead of a long list
    office.page.locator("#pick-lead label", has_text="花溪区住房和城乡建设局").locator("input").check()
    office.check("assign")
    _act(office, "assign")
    expect(office.page.locator(".messages")).to_contain_text("已交办")

    unit = walk_as("suggestion-unit")
    unit.sign_in(UNIT, "huaxi")
    _notice(unit, "huaxi", "交办")
    unit.check("handling")
    _act(unit, "reply", result_category="B", reply_public_text="已列入明年城建计划。")
    expect(unit.page.locator("#action-reply")).to_contain_text("请先上传本次答复的答复函")  # refused, text kept
    expect(unit.page.locator("#action-reply [name=reply_public_text]")).to_have_value("已列入明年城建计划。")
    _letter(unit, tmp_path)
    _act(unit, "reply", result_category="B", reply_public_text="已列入明年城建计划。")
    expect(unit.page.locator(".messages")).to_contain_text("已答复")

    _notice(yang, "huaxi", "已答复，请评价")
    yang.check("evaluate")
    _act(yang, "evaluate", attitude="satisfied", result="unsatisfied", reason="")
    expect(yang.page.locator("#action-evaluate")).to_contain_text("请写明理由")
    _act(yang, "evaluate", attitude="satisfied", result="unsatisfied", reason="今年就需要解决，不能等到明年。")
    expect(yang.page.locator("h1 .status")).to_contain_text("重新办理")
    # The deputy's SMS of the reply went out through the worker, to her number in the registry.
    _eventually(lambda: [t for t in demo_site.sms_texts() if title[:10] in t or "已答复" in t])

    _notice(unit, "huaxi", "不满意")
    expect(unit.page.locator("#replies")).to_be_visible()
    expect(unit.page.locator(".evaluation")).to_contain_text("今年就需要解决")  # the unit reads the reason
    unit.check("rehandling")
    _letter(unit, tmp_path)
    _act(unit, "reply", result_category="A", reply_public_text="无障碍坡道已于本月建成。")

    _notice(yang, "huaxi", "已答复，请评价")
    _act(yang, "evaluate", attitude="satisfied", result="satisfied", reason="")
    expect(yang.page.locator("h1 .status")).to_contain_text("已办结")
    expect(yang.page.locator(".reply-round").first).to_contain_text("已列入明年城建计划")  # the earlier reply is kept
    yang.check("closed")


def test_a_public_message_escalated_and_accepted_above(walk_as, size):
    public = walk_as("message-public")
    public.go("qingyan", "/liaison/s/qingyan/message/")
    public.page.select_option("[name=category]", index=1)
    text = f"（{size}）镇上的停车场规划需要区里统筹，周末游客车辆堵塞主街。"
    public.page.fill("[name=text]", text)
    public.page.fill("[name=sender_name]", "王女士")
    mobile = "13900001234" if size == "phone" else "13900005678"
    public.page.fill("[name=mobile]", mobile)
    public.check("message-form")

    # The answer is lost on the way and the request sent again (a retry after a timeout, a double click): the
    # form's one-time token makes one message, and the second answer is the same thanks page saying so.
    def sent_twice(route):
        if route.request.method != "POST":
            return route.continue_()
        # Sent from Playwright's own process, which does not resolve *.localhost as Chromium does: by address.
        host = urlsplit(route.request.url).netloc
        direct = {"url": route.request.url.replace(host, f"127.0.0.1:{host.rsplit(':', 1)[1]}", 1), "max_redirects": 0}
        headers = {**route.request.headers, "host": host}
        route.fetch(**direct, headers=headers)
        return route.fulfill(response=route.fetch(**direct, headers=headers))

    public.page.route("**/message/", sent_twice)
    public.page.get_by_role("button", name="提交留言").click()
    public.page.wait_for_load_state()
    public.page.unroute("**/message/")
    expect(public.page.locator(".messages")).to_contain_text("已经提交过")
    code = _eventually(lambda: re.search(r"\b[A-Z0-9]{10}\b", public.page.locator("main").inner_text()))[0]
    public.check("message-sent")

    yang = walk_as("message-deputy")
    yang.sign_in(DEPUTY, "qingyan")
    yang.go("qingyan", "/liaison/inbox/")
    expect(yang.page.locator("main").get_by_text(text[:12])).to_have_count(1)  # one message, not two
    _notice(yang, "qingyan", code)
    _act(yang, "escalate", note="停车场规划属区级事权，请区人大协调。")
    expect(yang.page.locator(".messages")).to_contain_text("已上报")
    yang.check("escalated")

    office = walk_as("message-office")
    office.sign_in(OFFICE, "huaxi")
    office.go("huaxi", "/liaison/inbox/")
    office.check("inbox")

    def arrived():
        office.go("huaxi", "/me/notices/")
        return office.page.locator(".notice-list li", has_text=code).count()

    _eventually(arrived)  # delivered through the exchange by the worker
    _notice(office, "huaxi", code)
    _act(office, "accept")
    _act(office, "reply", reply_text="区住建局将于下月公布停车场规划。")
    expect(office.page.locator(".messages")).to_contain_text("已答复")
    office.check("answered")

    public.go("qingyan", "/liaison/track/")
    public.page.fill("[name=code]", code)
    public.page.fill("[name=last4]", mobile[-4:])
    public.page.get_by_role("button", name="查询").click()
    public.page.wait_for_load_state()
    expect(public.page.locator("main")).to_contain_text("花溪区")  # the county handles it now
    public.check("tracked")


def test_a_township_is_provisioned_from_the_console(walk_as, size):
    admin = walk_as("console")
    admin.sign_in("platform.admin@example.org")
    admin.go(None, "/console/provision/")
    number = "01" if size == "phone" else "02"
    admin.page.select_option("[name=tier]", "township")
    county = admin.page.locator("[name=parent] option", has_text="贵阳市花溪区人民代表大会").first
    admin.page.select_option("[name=parent]", county.get_attribute("value"))
    admin.page.fill("[name=division_code]", f"520111{190 + int(number)}000")  # a township of Huaxi
    admin.page.fill("[name=name]", f"花溪区测试{number}镇人民代表大会")
    admin.page.fill("[name=subdomain]", f"ceshi{number}")
    admin.check("provision-form")
    admin.page.get_by_role("button", name="创建").click()
    admin.page.wait_for_load_state()
    expect(admin.page).to_have_url(re.compile(r"/console/provisioning/\d+/$"))  # the request's own page

    def done():
        admin.page.reload()
        return admin.page.locator(".status-succeeded").count()

    _eventually(done, timeout=60)  # the worker clones the template schema
    admin.check("provisioned")
    admin.go(f"ceshi{number}", "/")
    expect(admin.page.locator("main")).to_contain_text(f"测试{number}镇")
    admin.check("new-congress")


def test_a_tree_of_congresses_is_provisioned_from_one_file(walk_as, size, tmp_path):
    admin = walk_as("console")
    admin.sign_in("platform.admin@example.org")
    admin.go(None, "/console/batches/")
    admin.check("batch-form")
    number = 3 if size == "phone" else 4
    bad = tmp_path / "bad.csv"
    bad.write_text("township,520199000000,520199101000,无上级的乡,nobody\n", encoding="utf-8")
    admin.page.set_input_files("[name=file]", str(bad))
    admin.page.get_by_role("button", name="检查并创建").click()
    admin.page.wait_for_load_state()
    expect(admin.page.locator("main")).to_contain_text("第1行（520199101000 无上级的乡）")
    admin.check("batch-refused")
    good = tmp_path / "tree.csv"
    good.write_text(
        "tier,parent,code,name,subdomain\n"
        f"township,520111000000,520111{180 + number}000,花溪区批量{number}镇人民代表大会,piliang{number}\n"
        f"township,520111000000,520111{185 + number}000,花溪区批量{number}乡人民代表大会,piliangxiang{number}\n",
        encoding="utf-8",
    )
    admin.page.set_input_files("[name=file]", str(good))
    admin.page.get_by_role("button", name="检查并创建").click()
    admin.page.wait_for_load_state()
    expect(admin.page).to_have_url(re.compile(r"/console/batches/\d+/$"))
    admin.check("batch-progress")

    def done():
        admin.page.reload()
        return admin.page.get_by_text("全部完成").count()

    _eventually(done, timeout=90)  # the worker makes both, each a clone of the template
    admin.check("batch-done")
    admin.go(f"piliang{number}", "/")
    expect(admin.page.locator("main")).to_contain_text(f"批量{number}镇")


def test_the_english_switch(walk_as):
    walk = walk_as("english")
    walk.go("huaxi", "/")
    walk.open_menu()
    walk.page.get_by_role("button", name="English").click()
    walk.page.wait_for_load_state()
    expect(walk.page.locator("html")).to_have_attribute("lang", "en")
    walk.check("english")
    walk.go("qingyan", "/")  # the choice follows the visitor to another host
    expect(walk.page.locator("html")).to_have_attribute("lang", "en")
    walk.open_menu()
    walk.page.get_by_role("button", name="中文").click()
    walk.page.wait_for_load_state()
    expect(walk.page.locator("html")).to_have_attribute("lang", "zh-CN")
