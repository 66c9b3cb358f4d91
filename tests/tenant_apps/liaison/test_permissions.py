"""Who may do what with a message is read once per request (permissions.handler_for) and the predicates are pure:
a message's buttons cost the same few queries for every persona, however many stations, units and actions
there are."""

import pytest

from tenant_apps.liaison.models import MessageStatus
from tenant_apps.liaison.permissions import handler_for
from tenant_apps.liaison.workflow import TRANSITIONS, allowed_actions
from tests.support.factories import HandlingUnitFactory, StationFactory, UnitStaffFactory

pytestmark = pytest.mark.usefixtures("clean_side_channels")

# The office, the deputy on duty, the station's staff, the forwarded unit's staff, a member with no part in it.
PERSONAS = {"zhou": "new", "yang": "new", "xu": "new", "qian": "forwarded", "gao": "new"}
HANDLER_QUERIES = 4  # the deputy and their seat, their duty stations, the stations and the units they staff
BUTTON_QUERIES = HANDLER_QUERIES + 2  # and the transfer that brought the message, for accept and return


def _message(desk, persona: str):
    message = desk.drive(MessageStatus.NEW)
    if PERSONAS[persona] == "forwarded":
        desk.act(message, "zhou", "forward", unit=desk.unit.pk)
    with desk.qingyan:
        message.refresh_from_db()
    return message


def _more_of_everything(desk, n: int = 3) -> None:
    """Stations with Yang on duty and Xu as staff, and units staffed by Qian's colleagues: what a big county has."""
    office = desk.as_("zhou")
    for _ in range(n):
        StationFactory(
            congress=desk.qingyan, access=office, deputies=[desk.yang_deputy.pk], staff=[desk.users["xu"].pk]
        )
        UnitStaffFactory(
            congress=desk.qingyan, access=office, unit=HandlingUnitFactory(congress=desk.qingyan, access=office)
        )


@pytest.mark.parametrize("persona", list(PERSONAS))
def test_a_messages_buttons_cost_a_fixed_few_queries(desk, persona, django_assert_max_num_queries):
    message = _message(desk, persona)
    access = desk.as_(persona)
    with desk.qingyan:
        with django_assert_max_num_queries(BUTTON_QUERIES):
            before = allowed_actions(access, message)
        _more_of_everything(desk)
        with django_assert_max_num_queries(BUTTON_QUERIES):
            after = allowed_actions(access, message)
    assert before == after
    assert set(after) <= set(TRANSITIONS)
    assert bool(after) == (persona != "gao")


def test_the_handler_is_read_in_at_most_four_queries_and_answers_like_the_access(desk, django_assert_max_num_queries):
    access = desk.as_("yang")
    with desk.qingyan:
        _more_of_everything(desk)
        with django_assert_max_num_queries(HANDLER_QUERIES):
            handler = handler_for(access)
    assert handler.deputy_id == desk.yang_deputy.pk and handler.serves_here
    assert desk.station.pk in handler.duty_station_ids and len(handler.duty_station_ids) == 4
    assert (handler.user, handler.congress, handler.roles) == (access.user, access.congress, access.roles)
    assert handler_for(handler) is handler


def test_outside_its_congress_a_caller_handles_nothing_here(desk, django_assert_num_queries):
    """The rows behind the Handler live in a congress's schema: an Access of another congress reads none."""
    huaxi_office = desk.as_("li", desk.huaxi)
    with desk.qingyan, django_assert_num_queries(0):
        handler = handler_for(huaxi_office)
    assert handler.deputy_id is None and not handler.staffed_station_ids and not handler.staffed_unit_ids


@pytest.mark.parametrize("persona", ["zhou", "yang", "xu"])
def test_a_message_page_reads_the_handler_once_and_costs_the_same_in_a_bigger_county(desk, client_for, persona):
    """The page's checks, its selector and its buttons share one Handler (require_access hands it to the view)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    message = _message(desk, persona)
    client = client_for(persona, "qingyan")
    url = f"/liaison/messages/{message.pk}/"
    client.get(url)  # the session and the caches warm up untimed

    def page_queries() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        # The Handler is the only reader of the station staff table on this page: one read means one Handler.
        staff_reads = sum('"liaison_stationstaff"' in q["sql"] for q in captured.captured_queries)
        return len(captured.captured_queries), staff_reads

    before = page_queries()
    _more_of_everything(desk)
    assert page_queries() == before
    assert before[1] == 1
