"""The factories of tests/support/factories.py: each makes a valid object through the services, tenant objects
inside their congress's schema, and leaves the connection in the schema it was called in."""

import pytest
from django.db import connection

from shared_apps.memberships.models import Role
from shared_apps.memberships.selectors import roles_for
from shared_apps.registry.identifiers import validate_id_number
from shared_apps.registry.models import Deputy, SeatStatus
from tenant_apps.liaison.models import MessageEvent, MessageStatus, PublicMessage
from tenant_apps.suggestions.models import Status, Suggestion, SuggestionEvent
from tenant_apps.units.models import HandlingUnit, UnitEvent, UnitStaff
from tests.support.factories import (
    DeputyFactory,
    HandlingUnitFactory,
    PublicMessageFactory,
    SuggestionFactory,
    UnitStaffFactory,
    UserFactory,
)
from tests.support.personas import PASSWORD


def test_a_user_has_the_persona_password_and_the_roles_given(congresses):
    huaxi = congresses["huaxi"]
    user = UserFactory(roles=[(huaxi, Role.OFFICE_STAFF)])
    assert user.check_password(PASSWORD) and user.is_active and not user.is_staff
    assert roles_for(user, huaxi) == {Role.OFFICE_STAFF}
    assert UserFactory().email != user.email


def test_a_deputy_is_registered_with_a_valid_identity_and_seated_where_asked(congresses):
    huaxi = congresses["huaxi"]
    unseated = DeputyFactory()
    assert validate_id_number(unseated.reveal_id_number()) == unseated.reveal_id_number()
    assert unseated.user is None and not unseated.seats.exists()
    deputy = DeputyFactory(congress=huaxi, with_account=True, mobile="13700001234")
    assert deputy.pk != unseated.pk and Deputy.objects.filter(pk=deputy.pk).exists()
    assert deputy.reveal_mobile() == "13700001234"
    assert [(s.congress_id, s.status) for s in deputy.seats.all()] == [(huaxi.pk, SeatStatus.SERVING)]
    assert roles_for(deputy.user, huaxi) == {Role.DEPUTY}  # the membership followed the seat


def test_a_unit_and_its_staff_are_made_in_the_congress_schema(congresses):
    huaxi = congresses["huaxi"]
    unit = HandlingUnitFactory(congress=huaxi)
    staff = UnitStaffFactory(congress=huaxi, unit=unit, is_contact=True)
    other = UnitStaffFactory(congress=huaxi)
    assert connection.schema_name == "public"
    with huaxi:
        assert HandlingUnit.objects.get(pk=unit.pk).is_active
        assert UnitEvent.objects.filter(unit=unit, kind=UnitEvent.Kind.UNIT_CREATED).exists()
        assert list(UnitStaff.objects.filter(unit=unit).values_list("user_id", "is_contact")) == [(staff.user_id, True)]
        assert other.unit_id != unit.pk and HandlingUnit.objects.filter(pk=other.unit_id).exists()
    assert Role.HANDLING_UNIT_STAFF in roles_for(staff.user, huaxi)


def test_a_suggestion_is_a_draft_of_its_lead_deputy(congresses, users):
    huaxi = congresses["huaxi"]
    item = SuggestionFactory(congress=huaxi)
    yangs = SuggestionFactory(congress=huaxi, lead=Deputy.objects.get(user=users["yang"]))
    assert connection.schema_name == "public"
    with huaxi:
        assert Suggestion.objects.get(pk=item.pk).status == Status.DRAFT
        assert SuggestionEvent.objects.filter(suggestion=item, action="create").exists()
        assert yangs.lead_deputy.user == users["yang"] and yangs.created_by == users["yang"]
    assert item.lead_deputy.seats.filter(congress=huaxi).exists()


@pytest.mark.usefixtures("clean_side_channels")
def test_a_public_message_arrives_new_at_the_online_station(congresses):
    huaxi = congresses["huaxi"]
    first, second = PublicMessageFactory(congress=huaxi), PublicMessageFactory(congress=huaxi)
    assert connection.schema_name == "public"
    with huaxi:
        for message in (first, second):  # distinct senders and texts: neither is held as a duplicate
            row = PublicMessage.objects.get(pk=message.pk)
            assert row.status == MessageStatus.NEW and row.station.code == "online" and row.tracking_code
            assert MessageEvent.objects.filter(message=message, action="submit").exists()
