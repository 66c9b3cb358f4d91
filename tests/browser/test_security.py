"""The security journeys of issue 12, walked in Chromium at phone and desktop width:

(a) the congress's audit administrator reads and filters the audit log; its security administrator grants a
    role to a new address; (b) the congress asks its deputies for a second factor: the deputy enrols with an
    authenticator app (the code computed here from the secret the page shows, as the app would) and signs in
    with password and code.

This file runs after test_journeys.py, whose deputy signs in with a password only.
"""

import re
import time

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PASSWORD

pytestmark = pytest.mark.browser

DEPUTY, ADMIN = "deputy.yang@example.org", "huaxi.admin@example.org"
# The deputy's authenticator secret, read from the enrolment page at the first width, kept for the second.
SECRETS: dict[str, str] = {}
USED: set[int] = set()


def _code(secret: str) -> str:
    """The app's code now; never one already used (the platform refuses a code twice, as it should), nor one
    about to expire while the page is filled in."""
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    while time.time() % 30 > 25 or int(time.time()) // 30 in USED:
        time.sleep(0.5)
    period = int(time.time()) // 30
    USED.add(period)
    return format_hotp_value(hotp_value(secret, period))


def test_the_audit_and_security_administrators(walk_as, size):
    auditor = walk_as("audit")
    auditor.sign_in("huaxi.audit@example.org", "huaxi")
    auditor.go("huaxi", "/audit/")
    expect(auditor.page.locator("h1")).to_have_text("审计日志")
    expect(auditor.page.locator("tbody tr").first).to_be_visible()
    auditor.check("audit-log")
    auditor.page.fill("#id_action", "membership.")
    auditor.page.get_by_role("button", name="筛选").click()
    auditor.page.wait_for_load_state()
    expect(auditor.page.locator("tbody")).to_contain_text("授予角色")
    auditor.check("audit-filtered")
    # The auditor sees nothing of the congress's business.
    response = auditor.page.goto(auditor.site.url("huaxi", "/suggestions/"))
    assert response is not None and response.status == 403

    officer = walk_as("security")
    officer.sign_in("huaxi.security@example.org", "huaxi")
    officer.go("huaxi", "/security/")
    officer.check("security-page")
    officer.page.fill("#id_email", f"new.clerk.{size}@example.org")
    officer.page.select_option("#id_role", "office_staff")
    officer.page.get_by_role("button", name="授予", exact=True).click()
    officer.page.wait_for_load_state()
    expect(officer.page.locator(".messages")).to_contain_text(f"已授予 new.clerk.{size}@example.org 角色")
    expect(officer.page.locator("tbody")).to_contain_text(f"new.clerk.{size}@example.org")
    officer.check("role-granted")


def test_a_deputy_enrols_a_second_factor_when_the_congress_asks(walk_as, size):
    admin = walk_as("mfa-admin")
    admin.sign_in(ADMIN, "huaxi")
    admin.go("huaxi", "/settings/")
    box = admin.page.get_by_label("要求代表使用双因素认证")
    if not box.is_checked():
        box.check()
        admin.page.get_by_role("button", name="保存").first.click()
        admin.page.wait_for_load_state()
    expect(admin.page.get_by_label("要求代表使用双因素认证")).to_be_checked()

    deputy = walk_as("mfa-deputy")
    deputy.sign_in(DEPUTY)
    if DEPUTY not in SECRETS:
        # Signed in with the password, the deputy is sent to enrol first; the platform asks the password again.
        expect(deputy.page).to_have_url(re.compile(r"/accounts/reauthenticate/"))
        deputy.check("reauthenticate")
        deputy.page.fill("input[name=password]", PASSWORD)
        deputy.page.click("main form button[type=submit]")
        deputy.page.wait_for_load_state()
        expect(deputy.page).to_have_url(re.compile(r"/accounts/2fa/totp/activate/"))
        deputy.check("enrol")
        secret = deputy.page.locator("#authenticator_secret").input_value()
        SECRETS[DEPUTY] = secret
        deputy.page.fill("input[name=code]", _code(secret))
        deputy.page.click("main form button[type=submit]")
        deputy.page.wait_for_load_state()
        deputy.check("enrolled")
        deputy.go(None, "/me/workspace/")
        expect(deputy.page.locator("h1")).to_contain_text("工作台")
        # Signing out and in again now asks for the code after the password.
        deputy.open_menu()
        deputy.page.get_by_role("button", name=re.compile("退出")).click()
        deputy.page.wait_for_load_state()
        deputy.sign_in(DEPUTY)
    expect(deputy.page).to_have_url(re.compile(r"/accounts/2fa/authenticate/"))
    deputy.check("code-step")
    deputy.page.fill("input[name=code]", _code(SECRETS[DEPUTY]))
    deputy.page.click("main form button[type=submit]")
    deputy.page.wait_for_load_state()
    expect(deputy.page).to_have_url(re.compile(r"/me/workspace/$"))
    deputy.check("signed-in-with-code")
