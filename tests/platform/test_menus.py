"""The menu of a congress's host (config/menus.py): visitors get the public entries in one row; members get
them grouped (受理与交办, 代表, 联络站, 统计, 设置) with the count of what waits for them on 受理与交办."""

import re

from shared_apps.exchange.services import inbox_count_set


def nav(client) -> str:
    html = client.get("/").content.decode()
    return html[html.index('<nav class="nav">') : html.index("</nav>")]


def groups(html: str) -> list[str]:
    return [re.sub(r"\s+", " ", g).strip() for g in re.findall(r"<summary>([^<]*)", html)]


def test_the_office_menu_is_grouped_with_what_waits(client_for, users, congresses):
    inbox_count_set(user=users["zhang"], congress=congresses["huaxi"], kind="suggestions_office", count=4)
    inbox_count_set(user=users["zhang"], congress=congresses["huaxi"], kind="messages", count=2)
    html = nav(client_for("zhang", "huaxi"))
    assert groups(html)[:5] == ["受理与交办", "代表", "联络站", "统计", "设置"]
    handling = html[html.index("受理与交办") : html.index("</details>")]
    assert '<span class="badge"' in handling and ">6</span>" in handling  # everything waiting here
    assert "议案建议" in handling and "群众留言" in handling
    assert "代表名册" in html and "工作日历" in html and "本级设置" not in html  # settings: the administrator's


def test_visitors_get_one_row_of_public_entries(client_for):
    html = nav(client_for(None, "huaxi"))
    assert "<details" not in html and "代表联络站" in html and "办理公开" in html
    assert "办理情况总览" not in html and "代表名册" not in html


def test_a_units_staff_sees_only_their_groups(client_for):
    html = nav(client_for("liu", "huaxi"))
    assert groups(html)[0] == "受理与交办" and "统计" not in groups(html) and "设置" not in groups(html)
    assert "本单位" in html


def test_lists_carry_the_labels_their_phone_cards_show(client_for):
    """The suggestion list, the message inbox and the tracker are <table class="cards">: each cell names its
    column (data-label), which a phone shows in place of the header row."""
    for persona, path in (("zhang", "/suggestions/"), ("zhang", "/liaison/inbox/")):
        html = client_for(persona, "huaxi").get(path).content.decode()
        assert 'table class="cards"' in html or "暂无" in html or "没有" in html, path
    from pathlib import Path

    for template in ("suggestions/index.html", "liaison/inbox.html", "liaison/track.html"):
        found = list(Path(__file__).resolve().parents[2].glob(f"tenant_apps/*/templates/{template}"))
        text = found[0].read_text(encoding="utf-8")
        assert 'class="cards"' in text and text.count("data-label=") >= 4, template
