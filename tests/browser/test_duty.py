"""The duty platform's journeys (issue 13), walked in Chromium at phone and desktop width on the demo province:

(a) the deputy finds an invitation waiting in her workspace and asks for leave with a reason; the organising
    office (Huaxi's, then Guiyang's for a city inspection) grants it from its desk and she is told; she signs in
    on the spot with the code the venue's screen shows (a second time: refused); her ledger across three tiers;
(b) the office organises an activity, invites a tier, publishes it and prints every ledger of the year with a
    progress bar; the deputy reports a duty (what she typed kept on an error); the public reads her showcase
    page and scores her report with an SMS code.
"""

import re
import time

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

DEPUTY, OFFICE = "deputy.yang@example.org", "huaxi.office@example.org"


def _eventually(check, timeout: float = 30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.5)
    raise AssertionError("not within the time allowed")


# Per width, an invitation still to answer: Huaxi's research next week, and Guiyang's inspection (a city
# inspection that invited her at her city seat, alongside township deputies through the exchange).
INVITED = {
    "phone": ("huaxi", "专题调研学前教育资源配置", OFFICE),
    "desktop": ("guiyang", "市人大常委会集中视察乡村振兴（邀请区、镇代表参加）", "guiyang.office@example.org"),
}


def test_invitation_leave_sign_in_and_ledger(walk_as, size):
    host, title, organiser = INVITED[size]
    deputy = walk_as("duty-deputy")
    deputy.sign_in(DEPUTY, host)
    deputy.go(host, "/me/workspace/")
    waiting = deputy.page.get_by_role("link", name=title).first
    expect(waiting).to_be_visible()
    deputy.check("workspace")
    waiting.click()
    deputy.page.wait_for_load_state()
    expect(deputy.page.locator("#mine")).to_contain_text("待答复")
    deputy.check("invitation")
    form = deputy.page.locator("#mine form", has=deputy.page.locator("input[value=ask_leave]"))
    form.locator("textarea[name=note]").fill("当天参加市人大代表培训")
    form.get_by_role("button", name="请假").click()
    deputy.page.wait_for_load_state()
    expect(deputy.page.locator("#mine")).to_contain_text("请假待批")
    deputy.check("leave-asked")

    office = walk_as("duty-office")
    office.sign_in(organiser, host)
    office.go(host, "/duty/office/")
    leave = office.page.locator("#leave a", has_text=title)
    expect(leave).to_be_visible()
    office.check("office-desk")
    leave.click()
    office.page.wait_for_load_state()
    row = office.page.locator("#invitations tr", has_text="杨秀英")
    row.get_by_role("button", name="准假", exact=True).click()
    office.page.wait_for_load_state()
    expect(office.page.locator("#invitations tr", has_text="杨秀英")).to_contain_text("已准假")
    office.check("leave-granted")

    deputy.go(host, "/me/notices/")
    expect(deputy.page.locator(".notice-list li", has_text="您的请假已获准").first).to_be_visible()
    deputy.check("notice")
    office = walk_as("duty-venue")
    office.sign_in(OFFICE, "huaxi")

    # On the spot: the venue's screen shows today's code; the office's screen renews it every 30 seconds.
    office.go("huaxi", "/duty/")
    office.page.get_by_role("link", name=re.compile("视察花溪河综合治理")).click()
    office.page.wait_for_load_state()
    activity_id = re.search(r"/activities/(\d+)/", office.page.url).group(1)
    office.page.get_by_role("link", name="显示签到二维码").click()
    office.page.wait_for_load_state()
    expect(office.page.locator(".qr svg")).to_be_visible()
    office.check("qr-screen")
    # What the screen encodes, read through the API from the screen's own page (the office's session).
    scanned = office.page.evaluate(
        "id => fetch(`/api/v1/duty/activities/${id}/sign-in-code/`).then(r => r.json()).then(j => j.url)", activity_id
    )
    deputy.page.goto(scanned)  # what the phone's camera opens
    expect(deputy.page.locator("h1")).to_have_text("扫码签到")
    deputy.check("sign-in")
    deputy.page.get_by_role("button", name="确认签到").click()
    deputy.page.wait_for_load_state()
    if size == "phone":
        expect(deputy.page.locator(".messages")).to_contain_text("签到成功")
        expect(deputy.page.locator("#mine")).to_contain_text("已出席")
    else:  # signed in at the first width already: refused, with the reason, nothing changed
        expect(deputy.page.locator(".warning")).to_contain_text("您已经签到")
        deputy.check("signed-in-already")

    deputy.go("huaxi", "/duty/mine/")
    deputy.check("my-duties")
    deputy.page.get_by_role("link", name="查看我的履职账单").click()
    deputy.page.wait_for_load_state()
    body = deputy.page.locator("main")
    for tier in ("花溪区人民代表大会", "青岩镇人民代表大会"):
        expect(body).to_contain_text(tier)
    expect(deputy.page.locator(".ledger-figure svg")).to_be_visible()
    deputy.check("ledger")


# What each width types, so that the second walk adds its own rather than repeating the first.
TYPED = {
    "phone": ("《贵州省河道条例》执法检查", "走访石板镇敬老院", "13912345678"),
    "desktop": ("《贵州省水资源保护条例》执法检查", "走访青岩镇中心学校", "13912345679"),
}


def test_organise_print_report_and_score(walk_as, size, demo_site):
    activity_title, visit, mobile = TYPED[size]
    office = walk_as("duty-organise")
    office.sign_in(OFFICE, "huaxi")
    office.go("huaxi", "/duty/activities/new/")
    page = office.page
    page.select_option("#id_kind", "enforcement")
    page.fill("#id_title", activity_title)
    page.fill("#id_starts_at", "2026-12-20T09:00")
    page.fill("#id_ends_at", "2026-12-20T12:00")
    page.fill("#id_place", "花溪区水务局")
    page.fill("#id_organiser", "区人大常委会城建环保工委")
    office.check("activity-form")
    page.get_by_role("button", name="保存").click()
    page.wait_for_load_state()
    expect(page.locator(".messages")).to_contain_text("活动已建立")
    page.locator("#invite input[name=tier][value=county]").check()
    page.get_by_role("button", name="邀请所选代表").click()
    page.wait_for_load_state()
    expect(page.locator("#invitations")).to_contain_text("杨秀英")
    page.get_by_role("button", name="发布并通知代表").click()
    page.wait_for_load_state()
    expect(page.locator("h1 + p .status")).to_have_text("已发布")
    office.check("activity-published")

    office.go("huaxi", "/duty/office/")
    page.get_by_role("button", name=re.compile("生成全部代表的履职账单")).click()
    page.wait_for_load_state()
    expect(page.locator("progress")).to_be_visible()
    office.check("print-progress")
    _eventually(lambda: page.reload() and page.get_by_role("link", name="下载PDF").count())
    office.check("print-done")

    deputy = walk_as("duty-report")
    deputy.sign_in(DEPUTY, "huaxi")
    deputy.go("huaxi", "/duty/entries/new/")
    deputy.page.select_option("#id_kind", "constituent_visit")
    deputy.page.fill("#id_title", visit)
    deputy.page.fill("#id_occurred_on", "2099-01-01")
    deputy.page.get_by_role("button", name="提交").click()
    deputy.page.wait_for_load_state()
    expect(deputy.page.locator("#id_title")).to_have_value(visit)  # kept on the error
    expect(deputy.page.locator("form.form")).to_contain_text("不能登记尚未发生的履职事项")
    deputy.check("entry-error")
    deputy.page.fill("#id_occurred_on", "2026-11-20")
    deputy.page.get_by_role("button", name="提交").click()
    deputy.page.wait_for_load_state()
    expect(deputy.page.locator(".messages")).to_contain_text("已登记")
    deputy.check("entry-submitted")

    public = walk_as("duty-public")
    public.go("huaxi", "/showcase/")
    public.check("showcase")
    public.page.get_by_role("link", name="杨秀英").first.click()
    public.page.wait_for_load_state()
    expect(public.page.locator("main")).to_contain_text("给代表留言")
    public.check("deputy-page")
    public.go("huaxi", "/reports/")
    public.page.get_by_role("link", name="2026年度代表向选民述职").click()
    public.page.wait_for_load_state()
    public.page.get_by_role("link", name="杨秀英代表2026年度履职报告").click()
    public.page.wait_for_load_state()
    public.check("report")
    before = len(demo_site.sms_texts())
    public.page.fill("#id_mobile", mobile)
    public.page.get_by_role("button", name="获取验证码").click()
    public.page.wait_for_load_state()
    code = _eventually(
        lambda: len(demo_site.sms_texts()) > before and re.search(r"验证码是 (\d{6})", demo_site.sms_texts()[-1])
    )
    public.page.fill("#id_code", code.group(1))
    public.page.get_by_label("满意", exact=True).check()
    public.check("score-form")
    public.page.get_by_role("button", name="提交评价").click()
    public.page.wait_for_load_state()
    expect(public.page.locator(".messages")).to_contain_text("感谢您的评价")
    public.check("scored")


def test_every_other_duty_page_passes_the_rules(walk_as, size):
    """The pages the journeys above do not reach, each held to the same rules at this width: the office's
    dashboard, a reported duty, a story, a reporting round with its moderation, in Chinese and in English."""
    office = walk_as("duty-pages")
    office.sign_in(OFFICE, "huaxi")
    office.go("huaxi", "/duty/dashboard/")
    expect(office.page.locator("h1")).to_contain_text("代表履职统计")
    office.check("dashboard")
    deputy = walk_as("duty-pages-deputy")
    deputy.sign_in(DEPUTY, "huaxi")
    deputy.go("huaxi", "/duty/mine/")
    deputy.page.get_by_role("link", name="走访青岩村困难群众").click()  # returned to her with a reason
    deputy.page.wait_for_load_state()
    expect(deputy.page.locator("#actions")).to_contain_text("修改后重新提交")
    deputy.check("entry-returned")
    office.go("huaxi", "/showcase/")
    office.page.locator("#stories a").first.click()
    office.page.wait_for_load_state()
    office.check("story")
    office.go("huaxi", "/reports/")
    office.page.get_by_role("link", name="2026年上半年代表向选民述职").click()
    office.page.wait_for_load_state()
    expect(office.page.locator("table")).to_contain_text("满意")  # published results
    office.check("round")
    office.page.locator("table a").first.click()
    office.page.wait_for_load_state()
    office.page.get_by_role("link", name="审核评分和留言").click()
    office.page.wait_for_load_state()
    office.check("moderation")
    office.go("huaxi", "/duty/")
    office.open_menu()
    office.page.get_by_role("button", name="English").click()
    office.page.wait_for_load_state()
    expect(office.page.locator("h1")).to_have_text("Duty activities")
    office.check("english")
    office.open_menu()
    office.page.get_by_role("button", name="中文").click()
    office.page.wait_for_load_state()
