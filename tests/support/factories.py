"""factory_boy factories for the common objects, built through the project's services so every object is valid
(and has its event rows) exactly as an office, a deputy or the public would leave it.

Tenant objects (units, unit staff, suggestions, public messages) need `congress=`: the factory makes them inside
that congress's schema and returns to the schema it was called in. Only `create()` is supported (the services
save); `build()` has nothing to call."""

import datetime

import factory
from django.contrib.auth import get_user_model

from shared_apps.memberships.models import Role
from shared_apps.memberships.permissions import Access
from shared_apps.memberships.selectors import roles_for
from shared_apps.memberships.services import membership_grant
from shared_apps.registry import services as registry
from shared_apps.registry.identifiers import id_check_digit
from shared_apps.registry.models import Deputy
from shared_apps.registry.selectors import term_current
from tenant_apps.liaison.models import PublicMessage, Station
from tenant_apps.liaison.services import stations, submission
from tenant_apps.suggestions import services as suggestions
from tenant_apps.suggestions.models import Suggestion
from tenant_apps.units import services as units
from tenant_apps.units.models import HandlingUnit, UnitKind, UnitStaff
from tests.support.personas import PASSWORD
from tests.support.registry import ROOT


def id_number(n: int) -> str:
    """A valid resident ID number, different for every n (Baiyun district, born from 1993 on: no persona's)."""
    born = datetime.date(1993, 1, 1) + datetime.timedelta(days=n // 1000)
    first17 = f"520113{born:%Y%m%d}{n % 1000:03d}"
    return first17 + id_check_digit(first17)


def access_for(user, congress) -> Access:
    """`user`'s standing in `congress`, as a request there would resolve it."""
    return Access(user=user, congress=congress, roles=roles_for(user, congress))


def office_access(congress) -> Access:
    """A new office staff account of `congress`: who creates units and adds their staff."""
    return access_for(UserFactory(roles=[(congress, Role.OFFICE_STAFF)]), congress)


def _congress_required(factory_name: str, congress) -> None:
    if congress is None:
        raise TypeError(f"{factory_name} needs congress=: its objects live in a congress's schema")


class UserFactory(factory.django.DjangoModelFactory):
    """An account (the persona password); `roles=[(congress, role), ...]` grants memberships."""

    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"factory{n}@example.org")
    name = factory.Sequence(lambda n: f"用户{n}")
    password = PASSWORD

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return model_class.objects.create_user(*args, **kwargs)

    @factory.post_generation
    def roles(user, create, extracted, **kwargs):
        for congress, role in extracted or ():
            membership_grant(actor=None, user=user, congress=congress, role=role)


class DeputyFactory(factory.django.DjangoModelFactory):
    """A deputy registered as an office would (deputy_register). `user=` links an account (`with_account=True`
    makes one); `congress=` adds a serving seat in its current term, after which the memberships follow."""

    class Meta:
        model = Deputy

    class Params:
        with_account = factory.Trait(user=factory.SubFactory(UserFactory))

    name = factory.Sequence(lambda n: f"工厂代表{n}")
    id_number = factory.Sequence(id_number)
    mobile = ""
    user = None
    congress = None

    @classmethod
    def _create(cls, model_class, *, name, id_number, mobile, user, congress):
        data = {"name": name, "id_number": id_number, **({"mobile": mobile} if mobile else {})}
        deputy, _created = registry.deputy_register(actor=None, data=data)
        if user is not None:
            deputy.user = user
            deputy.save(update_fields=["user"])
        if congress is not None:
            term = term_current(congress)
            registry.seat_add(access=ROOT, deputy=deputy, term=term, starts_on=term.starts_on)
        return deputy


class HandlingUnitFactory(factory.django.DjangoModelFactory):
    """A handling unit created by the congress's office (unit_create); `access=` to create it as someone else."""

    class Meta:
        model = HandlingUnit

    congress = None
    access = None
    name = factory.Sequence(lambda n: f"测试承办单位{n}")
    kind = UnitKind.GOVERNMENT_DEPARTMENT

    @classmethod
    def _create(cls, model_class, *, congress, access, **data):
        _congress_required(cls.__name__, congress)
        with congress:
            return units.unit_create(access=access or office_access(congress), data=data)


class UnitStaffFactory(factory.django.DjangoModelFactory):
    """A staff account added to a unit by the office (staff_add: makes the account, grants the unit-staff role).
    The unit is a new one of `congress` unless `unit=` names one of its units."""

    class Meta:
        model = UnitStaff

    congress = None
    access = None
    unit = factory.SubFactory(HandlingUnitFactory, congress=factory.SelfAttribute("..congress"))
    email = factory.Sequence(lambda n: f"unit-staff{n}@example.org")
    name = factory.Sequence(lambda n: f"承办人{n}")
    is_contact = False

    @classmethod
    def _create(cls, model_class, *, congress, access, unit, **data):
        _congress_required(cls.__name__, congress)
        with congress:
            return units.staff_add(access=access or office_access(congress), unit=unit, **data)


class SuggestionFactory(factory.django.DjangoModelFactory):
    """A draft started by its lead deputy (suggestion_draft_create). The lead deputy is a new deputy with an
    account and a serving seat in `congress`, unless `lead=` names one (it must serve there and have an account).
    Take it further with the workflow's services (or tests.support.suggestions.World for Huaxi)."""

    class Meta:
        model = Suggestion

    congress = None
    lead = factory.SubFactory(DeputyFactory, congress=factory.SelfAttribute("..congress"), with_account=True)
    kind = "suggestion"
    title = factory.Sequence(lambda n: f"关于改善城区交通的建议（{n}）")
    body = "早晚高峰拥堵严重，建议优化信号灯配时。"
    category = "交通"

    @classmethod
    def _create(cls, model_class, *, congress, lead, **data):
        _congress_required(cls.__name__, congress)
        with congress:
            return suggestions.suggestion_draft_create(access=access_for(lead.user, congress), data=data)


class StationFactory(factory.django.DjangoModelFactory):
    """A physical liaison station created by the congress's office (station_create), with `deputies=` (registry
    deputy ids, serving here) on duty and `staff=` (account ids, members here) as its staff."""

    class Meta:
        model = Station

    congress = None
    access = None
    name = factory.Sequence(lambda n: f"测试代表联络站{n}")
    code = factory.Sequence(lambda n: f"station-{n}")
    deputies: list = []
    staff: list = []

    @classmethod
    def _create(cls, model_class, *, congress, access, deputies, staff, **data):
        _congress_required(cls.__name__, congress)
        office = access or office_access(congress)
        with congress:
            station = stations.station_create(access=office, data=data)
            if deputies:
                stations.station_deputies_set(
                    access=office, station=station, deputies=[{"deputy": d} for d in deputies]
                )
            if staff:
                stations.station_staff_set(access=office, station=station, users=list(staff))
            return station


class PublicMessageFactory(factory.django.DjangoModelFactory):
    """A message from the public through the submission service (what a station's QR page calls): to `deputy=`,
    else to `station=`, else to the congress's online station. Each has its own text, mobile and address, so
    none is held as a duplicate; the rate limits count per test only if the cache is cleared between tests."""

    class Meta:
        model = PublicMessage

    congress = None
    station = None
    deputy = None
    category = "problem"
    text = factory.Sequence(lambda n: f"小区门口路灯不亮，第{n}次反映，请代表关注。")
    sender_name = "张三"
    mobile = factory.Sequence(lambda n: f"1370000{n % 10000:04d}")
    client_address = factory.Sequence(lambda n: f"10.3.{n // 200 % 200}.{n % 200 + 1}")

    @classmethod
    def _create(cls, model_class, *, congress, station, deputy, client_address, **data):
        _congress_required(cls.__name__, congress)
        with congress:
            if station is None and deputy is None:
                station = Station.objects.get(code="online")
            return submission.message_submit(
                congress=congress, station=station, deputy=deputy, data=data, photos=[], client_address=client_address
            )
