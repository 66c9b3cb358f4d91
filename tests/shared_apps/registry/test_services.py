"""The registry: identifiers, one person across tiers, seats driving memberships, term transition."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from shared_apps.memberships.models import Membership
from shared_apps.memberships.permissions import Access
from shared_apps.registry import crypto, identifiers, selectors, services
from shared_apps.registry.models import Deputy, RegistryEvent, Seat, Term
from tests.support.personas import DEPUTIES

YANG_ID, YANG_MOBILE = DEPUTIES[0][2], DEPUTIES[0][3]
ROOT = Access(user=None, congress=None, is_platform_admin=True)


def office(users, congresses, persona="zhang", subdomain="huaxi"):
    return Access(user=users[persona], congress=congresses[subdomain], roles=frozenset({"office_staff"}))


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("52011119750312002", "format"),
        ("52011119751312002X", "birth_date"),
        ("520111197503120021", "check_digit"),
    ],
)
def test_bad_id_numbers_are_refused_with_the_reason(value, code):
    with pytest.raises(ValidationError) as exc:
        identifiers.validate_id_number(value)
    assert exc.value.code == code


def test_id_numbers_normalise_and_mask():
    assert identifiers.validate_id_number(" 52011119750312002x ") == YANG_ID
    assert identifiers.mask_id_number(YANG_ID) == "5201**********002X"
    assert identifiers.mask_mobile(YANG_MOBILE) == "138****2345"
    assert identifiers.gender_from_id(YANG_ID) == "female"


def test_identifiers_are_encrypted_at_rest_and_found_by_exact_match(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number_token, mobile_token, id_number_hash FROM registry_deputy")
        stored = " ".join(" ".join(row) for row in cursor.fetchall())
    assert YANG_ID not in stored and YANG_MOBILE not in stored and YANG_ID[-8:] not in stored
    yang = selectors.deputy_find(YANG_ID.lower())
    assert yang.name == "杨秀英" and yang.reveal_id_number() == YANG_ID and yang.reveal_mobile() == YANG_MOBILE
    assert selectors.deputy_find_by_mobile("138-8501-2345") == [yang]
    assert selectors.deputy_find("520111196811230015").name == "罗国华"


def test_a_token_encrypted_under_another_key_is_not_shown(db, settings):
    yang = selectors.deputy_find(YANG_ID)
    settings.FIELD_ENCRYPTION_KEYS = ["k" * 43 + "="]
    crypto.clear_caches()
    try:
        with pytest.raises(ValueError, match="FIELD_ENCRYPTION_KEYS"):
            yang.reveal_id_number()
    finally:
        settings.FIELD_ENCRYPTION_KEYS = []
        crypto.clear_caches()


def test_registering_a_known_person_links_instead_of_duplicating(db):
    before = Deputy.objects.count()
    deputy, created = services.deputy_register(
        actor=None, data={"name": "杨秀英", "id_number": YANG_ID, "work_unit": "青岩镇农业服务中心"}
    )
    assert not created and Deputy.objects.count() == before
    assert deputy.work_unit == "青岩镇农业服务中心" and deputy.seats.count() == 3
    assert RegistryEvent.objects.filter(deputy=deputy, kind="updated").exists()


def test_register_refuses_bad_input_by_field_and_writes_nothing(db):
    before = Deputy.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.deputy_register(actor=None, data={"name": "", "id_number": "123", "mobile": "12345"})
    assert set(exc.value.message_dict) == {"name", "id_number", "mobile"}
    assert Deputy.objects.count() == before


def test_memberships_follow_seats(users, congresses):
    yang = selectors.deputy_find(YANG_ID)
    assert set(
        Membership.objects.filter(user=users["yang"], role="deputy").values_list("congress__subdomain", flat=True)
    ) == {"huaxi", "qingyan", "guiyang"}
    seat = Seat.objects.get(deputy=yang, congress=congresses["guiyang"])
    services.seat_end(access=ROOT, seat=seat, status="resigned", ends_on=datetime.date(2026, 6, 1))
    assert not Membership.objects.filter(user=users["yang"], congress=congresses["guiyang"]).exists()
    seat.refresh_from_db()
    assert seat.status == "resigned" and seat.ends_on == datetime.date(2026, 6, 1)


def test_office_of_one_congress_cannot_end_another_congress_seat(users, congresses):
    seat = Seat.objects.get(deputy__name="田芳")
    with pytest.raises(PermissionDenied):
        services.seat_end(access=office(users, congresses), seat=seat, status="removed", ends_on=datetime.date.today())
    seat.refresh_from_db()
    assert seat.status == "serving"


def test_term_transition_ends_seats_withdraws_access_and_freezes_the_old_term(users, congresses):
    huaxi = congresses["huaxi"]
    term = Term.objects.get(congress=huaxi, status="open")
    new_term = services.term_close(
        access=office(users, congresses), term=term, ends_on=datetime.date(2026, 12, 31), next_number=20
    )
    assert new_term.number == 20 and new_term.is_open
    term.refresh_from_db()
    assert term.status == "closed" and not term.seats.filter(status="serving").exists()
    assert not Membership.objects.filter(user=users["yang"], congress=huaxi, role="deputy").exists()
    assert Membership.objects.filter(user=users["yang"], congress=congresses["qingyan"], role="deputy").exists()
    yang = selectors.deputy_find(YANG_ID)
    with pytest.raises(ValidationError):
        services.seat_add(access=ROOT, deputy=yang, term=term, starts_on=datetime.date(2026, 1, 1))
    with pytest.raises(ValidationError):
        services.seat_end(access=ROOT, seat=term.seats.first(), status="removed", ends_on=datetime.date.today())
    services.seat_add(access=ROOT, deputy=yang, term=new_term, starts_on=datetime.date(2027, 1, 1))
    assert Membership.objects.filter(user=users["yang"], congress=huaxi, role="deputy").exists()


def test_only_one_open_term_per_congress(users, congresses):
    with pytest.raises(ValidationError):
        services.term_open(access=ROOT, congress=congresses["huaxi"], number=20, starts_on=datetime.date.today())


def test_deputy_of_several_tiers_is_one_person(db):
    yang = selectors.deputy_find(YANG_ID)
    assert sorted(yang.seats.values_list("tier", flat=True)) == ["city", "county", "township"]
