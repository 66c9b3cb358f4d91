"""REST API of handling units: members of the congress read; office staff and administrators write;
handling-unit staff read their own units. Anonymous callers get 401, everyone else without the right 403."""

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from shared_apps.memberships.api_base import CongressApiView
from tenant_apps.units import selectors, services
from tenant_apps.units.models import UnitKind
from tenant_apps.units.permissions import can_manage_units, can_view_own_units, can_view_unit_staff, can_view_units
from tenant_apps.units.services import NAME_MAX_LENGTH
from tenants.api import call_service, validated
from tenants.shortcuts import or_404

# -- serializers ---------------------------------------------------------------------------------------


class UnitRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class StaffSerializer(serializers.Serializer):
    user = serializers.IntegerField(source="user_id")
    name = serializers.CharField(source="user.name")
    email = serializers.EmailField(source="user.email")
    is_contact = serializers.BooleanField()


class UnitSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    short_name = serializers.CharField()
    kind = serializers.CharField()
    kind_label = serializers.CharField(source="get_kind_display")
    parent = UnitRefSerializer(allow_null=True)
    contact_name = serializers.CharField()
    contact_phone = serializers.CharField()
    contact_email = serializers.CharField()
    address = serializers.CharField()
    is_active = serializers.BooleanField()
    staff_count = serializers.IntegerField()
    is_mine = serializers.BooleanField()


class UnitDetailSerializer(UnitSerializer):
    staff = StaffSerializer(
        source="staff_shown",
        many=True,
        allow_null=True,
        help_text="null unless the caller manages or staffs the unit",
    )


class MyUnitSerializer(UnitSerializer):
    staff = StaffSerializer(source="staff_shown", many=True)


class UnitInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    kind = serializers.ChoiceField(choices=UnitKind.choices, required=False)
    short_name = serializers.CharField(max_length=40, allow_blank=True, required=False)
    # Not an override of Field.parent: DRF's serializer metaclass moves declared fields into _declared_fields.
    parent = serializers.IntegerField(  # type: ignore[assignment]  # the stubs take it for a class attribute
        allow_null=True, required=False, help_text="id of the parent unit"
    )
    contact_name = serializers.CharField(max_length=100, allow_blank=True, required=False)
    contact_phone = serializers.CharField(max_length=40, allow_blank=True, required=False)
    contact_email = serializers.EmailField(allow_blank=True, required=False)
    address = serializers.CharField(max_length=200, allow_blank=True, required=False)


class StaffInputSerializer(serializers.Serializer):
    email = serializers.EmailField(help_text="the account is created (and invited) if there is none")
    name = serializers.CharField(
        max_length=NAME_MAX_LENGTH, allow_blank=True, required=False, help_text="used only for a new account"
    )
    is_contact = serializers.BooleanField(required=False, default=False)


class StaffUpdateSerializer(serializers.Serializer):
    is_contact = serializers.BooleanField()


# -- payloads ------------------------------------------------------------------------------------------


class _UnitsApi(CongressApiView):
    def unit_response(self, pk: int, status_code: int = status.HTTP_200_OK) -> Response:
        """The unit as the caller may see it: with its staff for managers and the unit's own staff."""
        unit: Any = or_404(selectors.unit_get(pk))  # it carries is_mine and staff_shown for the serializer
        unit.is_mine = pk in selectors.unit_ids_of(self.request.user)
        shown = can_view_unit_staff(self.access, is_own_unit=unit.is_mine)
        unit.staff_shown = list(selectors.staff_list(unit)) if shown else None
        return Response(UnitDetailSerializer(unit).data, status=status_code)


# -- units ---------------------------------------------------------------------------------------------


class UnitListApi(_UnitsApi):
    """The congress's units (members of the congress), or a new one (office staff and administrators)."""

    @extend_schema(
        parameters=[
            OpenApiParameter("kind", str, enum=UnitKind.values),
            OpenApiParameter("active", str, enum=list(selectors.ACTIVE_CHOICES), description="default 1"),
        ],
        responses=UnitSerializer(many=True),
    )
    def get(self, request):
        self.require(can_view_units(self.access))
        mine = selectors.unit_ids_of(request.user)
        units = list(selectors.unit_list(selectors.UnitFilters.from_params(request.query_params)))
        for unit in units:
            unit.is_mine = unit.pk in mine
        return Response(UnitSerializer(units, many=True).data)

    @extend_schema(request=UnitInputSerializer, responses={201: UnitDetailSerializer})
    def post(self, request):
        self.require(can_manage_units(self.access))
        data = validated(UnitInputSerializer, request)
        unit = call_service(services.unit_create, access=self.access, data=data)
        return self.unit_response(unit.pk, status.HTTP_201_CREATED)


class UnitDetailApi(_UnitsApi):
    """One unit (members of the congress); change it (office staff and administrators)."""

    @extend_schema(responses=UnitDetailSerializer)
    def get(self, request, pk: int):
        self.require(can_view_units(self.access))
        return self.unit_response(pk)

    @extend_schema(request=UnitInputSerializer, responses=UnitDetailSerializer)
    def patch(self, request, pk: int):
        self.require(can_manage_units(self.access))
        unit = or_404(selectors.unit_get(pk))
        data = validated(UnitInputSerializer, request, partial=True)
        call_service(services.unit_update, access=self.access, unit=unit, data=data)
        return self.unit_response(pk)


class UnitDeactivateApi(_UnitsApi):
    """Stop using a unit; its staff and history stay (office staff and administrators)."""

    @extend_schema(request=None, responses=UnitDetailSerializer)
    def post(self, request, pk: int):
        self.require(can_manage_units(self.access))
        call_service(services.unit_deactivate, access=self.access, unit=or_404(selectors.unit_get(pk)))
        return self.unit_response(pk)


class UnitReactivateApi(_UnitsApi):
    """Put a deactivated unit back in use (office staff and administrators)."""

    @extend_schema(request=None, responses=UnitDetailSerializer)
    def post(self, request, pk: int):
        self.require(can_manage_units(self.access))
        call_service(services.unit_reactivate, access=self.access, unit=or_404(selectors.unit_get(pk)))
        return self.unit_response(pk)


class MyUnitListApi(_UnitsApi):
    """The units the caller staffs, with their colleagues (handling-unit staff)."""

    @extend_schema(responses=MyUnitSerializer(many=True))
    def get(self, request):
        self.require(can_view_own_units(self.access))
        units = list(selectors.units_of(request.user))
        for unit in units:
            unit.is_mine = True
            unit.staff_shown = list(selectors.staff_list(unit))
        return Response(MyUnitSerializer(units, many=True).data)


# -- staff ---------------------------------------------------------------------------------------------


class StaffListApi(_UnitsApi):
    """A unit's staff (managers and the unit's own staff), or add one by email (office staff and admins)."""

    @extend_schema(responses=StaffSerializer(many=True))
    def get(self, request, pk: int):
        self.require(can_view_units(self.access))
        unit = or_404(selectors.unit_get(pk))
        self.require(can_view_unit_staff(self.access, is_own_unit=pk in selectors.unit_ids_of(request.user)))
        return Response(StaffSerializer(selectors.staff_list(unit), many=True).data)

    @extend_schema(request=StaffInputSerializer, responses={201: StaffSerializer})
    def post(self, request, pk: int):
        self.require(can_manage_units(self.access))
        unit = or_404(selectors.unit_get(pk))
        data = validated(StaffInputSerializer, request)
        link = call_service(services.staff_add, access=self.access, unit=unit, **data)
        return Response(StaffSerializer(link).data, status=status.HTTP_201_CREATED)


class StaffDetailApi(_UnitsApi):
    """Make a staff member the unit's contact or not (PATCH), or remove them (DELETE). Office staff and admins."""

    @extend_schema(request=StaffUpdateSerializer, responses=StaffSerializer)
    def patch(self, request, pk: int, user_id: int):
        self.require(can_manage_units(self.access))
        unit = or_404(selectors.unit_get(pk))
        data = validated(StaffUpdateSerializer, request)
        link = call_service(
            services.staff_set_contact, access=self.access, unit=unit, user_id=user_id, is_contact=data["is_contact"]
        )
        return Response(StaffSerializer(link).data)

    @extend_schema(responses={204: None})
    def delete(self, request, pk: int, user_id: int):
        self.require(can_manage_units(self.access))
        call_service(services.staff_remove, access=self.access, unit=or_404(selectors.unit_get(pk)), user_id=user_id)
        return Response(status=status.HTTP_204_NO_CONTENT)
