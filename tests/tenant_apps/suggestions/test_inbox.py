"""A deputy with several seats drafts in the congress of the seat they choose, from the workspace (issue 4 item
10), and the workspace counts what awaits them in each congress (inbox.refresh_for_item keeps InboxCount)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from console.services import congress_configure
from shared_apps.exchange.models import InboxCount
from shared_apps.memberships.permissions import Access
from shared_apps.memberships.selectors import roles_for
from shared_apps.registry.selectors import term_current
from shared_apps.registry.workspace import workspace_for
from tenant_apps.suggestions import inbox, services
from tenant_apps.suggestions.models import Status, Suggestion
from tests.support.registry import seated_deputy

TITLE = "关于青岩古镇停车场收费的建议"


def seats_of(users) -> dict[str, dict]:
    """The workspace of Yang, by congress subdomain."""
    user = type(users["yang"]).objects.get(pk=users["yang"].pk)
    return {entry["congress"].subdomain: entry for entry in workspace_for(user)["seats"]}


def suggestions_waiting(users) -> dict[str, int | None]:
    return {sub: entry["suggestions_waiting"] for sub, entry in seats_of(users).items()}


def test_each_seat_links_to_drafting_on_its_own_congress(client_for, congresses):
    page = client_for("yang").get("/me/workspace/").content.decode()
    assert page.count("提出建议") == 3
    for subdomain in ("guiyang", "huaxi", "qingyan"):
        assert f'href="{congresses[subdomain].url("/suggestions/new/")}"' in page
        assert f"//{subdomain}.congress.localhost" in congresses[subdomain].url("/suggestions/new/")


def test_no_link_where_the_congress_does_not_run_the_module(client_for, congresses, users):
    qingyan = congresses["qingyan"]
    zhou = Access(user=users["zhou"], congress=qingyan, roles=roles_for(users["zhou"], qingyan))
    modules = [key for key in qingyan.enabled_modules if key != "suggestions"]
    congress_configure(access=zhou, congress=qingyan, modules=modules, preferences=qingyan.preferences)
    page = client_for("yang").get("/me/workspace/").content.decode()
    assert page.count("提出建议") == 2 and qingyan.url("/suggestions/new/") not in page
    assert seats_of(users)["qingyan"]["suggest_url"] is None


def test_drafting_on_qingyan_creates_the_item_in_qingyans_schema_only(client_for, congresses, users):
    response = client_for("yang", "qingyan").post(
        "/suggestions/new/", {"kind": "suggestion", "title": TITLE, "body": "收费过高。", "raised_during": "session"}
    )
    assert response.status_code == 302
    for subdomain, expected in (("qingyan", 1), ("huaxi", 0), ("guiyang", 0)):
        with congresses[subdomain]:
            assert Suggestion.objects.filter(title=TITLE).count() == expected, subdomain
    with congresses["qingyan"]:
        item = Suggestion.objects.get(title=TITLE)
        assert item.lead_deputy.user_id == users["yang"].pk and item.raised_during == "session"


def test_counts_follow_cosigning_replies_and_evaluations_per_congress(world, users, congresses):
    huaxi = world.huaxi
    lead = seated_deputy(41, term_current(huaxi), "lead41@example.org")
    lead_access = Access(user=lead.user, congress=huaxi, roles=roles_for(lead.user, huaxi))
    yang_id = users["yang"].deputy.pk
    before = suggestions_waiting(users)
    assert before == {"guiyang": 0, "huaxi": 0, "qingyan": 0}
    with huaxi:
        item = services.suggestion_draft_create(access=lead_access, data={"title": "关于农村饮水的建议", "body": "……"})
        services.cosigner_add(access=lead_access, suggestion=item, deputy_id=yang_id)
    assert suggestions_waiting(users) == {"guiyang": 0, "huaxi": 1, "qingyan": 0}  # a co-signature awaits
    with huaxi:
        services.cosigner_confirm(access=world.as_("yang"), suggestion=item)
    assert suggestions_waiting(users) == before
    with huaxi:
        replied = world.drive(Status.REPLIED)  # Yang leads it
    assert suggestions_waiting(users) == {"guiyang": 0, "huaxi": 1, "qingyan": 0}  # the reply awaits evaluation
    with huaxi:
        world.act(replied, "yang", "evaluate")
    assert suggestions_waiting(users) == before
    assert seats_of(users)["huaxi"]["waiting"] == 0
    # Counts in Huaxi never reach Yang's other congresses.
    assert set(InboxCount.objects.filter(user=users["yang"]).values_list("congress_id", flat=True)) <= {huaxi.pk}


def test_a_reply_awaits_each_confirmed_cosigner_until_they_evaluate(world, users):
    huaxi = world.huaxi
    signer = seated_deputy(42, term_current(huaxi), "signer42@example.org")
    signer_access = Access(user=signer.user, congress=huaxi, roles=roles_for(signer.user, huaxi))

    def count(user) -> int:
        row = InboxCount.objects.filter(user=user, congress=huaxi, kind="suggestions").first()
        return row.count if row else 0

    with huaxi:
        item = world.drive(Status.REPLIED, signers=[signer])
        assert (count(signer.user), count(users["yang"])) == (1, 1)
        services.suggestion_transition(
            access=signer_access, suggestion=item, action="evaluate", attitude="satisfied", result="satisfied"
        )
        assert (count(signer.user), count(users["yang"])) == (0, 1)
        world.act(item, "yang", "evaluate")  # closes the item
        assert count(users["yang"]) == 0


def test_refreshing_takes_a_fixed_number_of_queries_per_deputy(world):
    huaxi = world.huaxi
    term = term_current(huaxi)
    deputies = [seated_deputy(50 + n, term, f"signer{50 + n}@example.org") for n in range(3)]
    with huaxi:
        item = world.draft()
        measured = []
        for deputy in deputies:
            services.cosigner_add(access=world.as_("yang"), suggestion=item, deputy_id=deputy.pk)
            with CaptureQueriesContext(connection) as queries:
                inbox.refresh_for_item(huaxi, item)
            measured.append(len(queries))
    assert measured[2] - measured[1] == measured[1] - measured[0] > 0


def test_the_api_gives_the_same_links_counts_and_waiting_items(world, users, congresses, api_for):
    huaxi = world.huaxi
    with huaxi:
        replied = world.drive(Status.REPLIED)  # Yang leads it: his evaluation awaits
    seats = {s["url"]: s for s in api_for("yang").get("/api/v1/me/workspace/").json()["seats"]}
    seat = seats[huaxi.url()]
    assert seat["suggest_url"] == huaxi.url("/suggestions/new/")
    assert seat["suggestions_waiting"] == 1
    waiting = api_for("yang", "huaxi").get("/api/v1/suggestions/?awaiting=me").json()
    assert [row["id"] for row in waiting] == [replied.pk]
    # Not a deputy here: nothing awaits, whatever the query says.
    assert api_for("zhang", "huaxi").get("/api/v1/suggestions/?awaiting=me").json() == []
    assert api_for("yang", "qingyan").get("/api/v1/suggestions/?awaiting=me").json() == []
    assert api_for("ma", "huaxi").get("/api/v1/suggestions/?awaiting=me").status_code == 403


def test_the_office_and_the_units_find_what_waits_for_them_named(world):
    """Submitted: the office's workspace names the item; assigned: the lead unit's and the joint unit's staff
    find it, each link opening the item; replied: it waits for neither unit any more."""
    from shared_apps.exchange.models import InboxCount

    def waiting(persona: str, kind: str) -> list[str]:
        row = InboxCount.objects.filter(user=world.users[persona], congress=world.huaxi, kind=kind).first()
        return [entry["title"] for entry in row.items] if row else []

    with world.huaxi:
        item = world.drive(Status.SUBMITTED)
        label = f"{item.number}. {item.title}"
        assert label in waiting("zhang", "suggestions_office") and label in waiting("li", "suggestions_office")
        item = world.act(world.act(item, "zhang", "accept"), "zhang", "assign")
        assert label not in waiting("zhang", "suggestions_office")
        assert label in waiting("liu", "suggestions_unit") and label in waiting("kong", "suggestions_unit")
        row = InboxCount.objects.get(user=world.users["kong"], congress=world.huaxi, kind="suggestions_unit")
        assert row.items[-1]["url"].endswith(f"/suggestions/{item.pk}/") and row.url.endswith("/suggestions/")
        world.act(item, "liu", "reply")
        assert label not in waiting("liu", "suggestions_unit") and label not in waiting("kong", "suggestions_unit")
