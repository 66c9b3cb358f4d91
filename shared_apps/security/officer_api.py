"""REST API of the security administrator's work, on every host (the congress's on its host, the platform's on
the root domain): GET/POST /api/v1/security/members/, POST /api/v1/security/members/withdraw/,
POST /api/v1/security/unlock/, POST /api/v1/security/accounts/<id>/active/ (root domain only)."""

from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response

from shared_apps.memberships.api_base import AnyHostApiView
from shared_apps.memberships.models import Role
from shared_apps.memberships.permissions import can_manage_security
from shared_apps.security import officers
from tenants.api import call_service

REFUSED = {
    400: OpenApiResponse(description="Invalid input, by field; nothing changed."),
    401: OpenApiResponse(description="Not signed in."),
    403: OpenApiResponse(description="Not a security administrator here."),
}


class HeldRoleSerializer(serializers.Serializer):
    value = serializers.ChoiceField(choices=Role.choices)
    name = serializers.CharField(source="label")


class RoleHolderSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="user.pk")
    email = serializers.EmailField(source="user.email")
    name = serializers.CharField(source="user.name")
    is_active = serializers.BooleanField(source="user.is_active")
    roles = HeldRoleSerializer(many=True)


class GrantInput(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    role = serializers.ChoiceField(choices=Role.choices)


class WithdrawInput(serializers.Serializer):
    user = serializers.IntegerField(min_value=1)
    role = serializers.ChoiceField(choices=Role.choices)


class UnlockInput(serializers.Serializer):
    email = serializers.EmailField(max_length=254)


class ActiveInput(serializers.Serializer):
    active = serializers.BooleanField()


class _OfficerApi(AnyHostApiView):
    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.require(self.access.is_authenticated and can_manage_security(self.access))


class MembersApi(_OfficerApi):
    """Everyone holding a role where the caller acts, with those roles; POST grants one."""

    @extend_schema(responses={200: RoleHolderSerializer(many=True), **REFUSED})
    def get(self, request):
        return Response(RoleHolderSerializer(officers.members(self.access), many=True).data)

    @extend_schema(request=GrantInput, responses={201: RoleHolderSerializer, **REFUSED})
    def post(self, request):
        data = GrantInput(data=request.data)
        data.is_valid(raise_exception=True)
        user = call_service(officers.role_grant, access=self.access, **data.validated_data)
        entry = next(m for m in officers.members(self.access) if m["user"].pk == user.pk)
        return Response(RoleHolderSerializer(entry).data, status=201)


class WithdrawApi(_OfficerApi):
    """Withdraw a role (deputies' and handling units' roles follow seats and units: refused)."""

    @extend_schema(
        request=WithdrawInput,
        responses={200: inline_serializer("Withdrawn", {"withdrawn": serializers.BooleanField()}), **REFUSED},
    )
    def post(self, request):
        data = WithdrawInput(data=request.data)
        data.is_valid(raise_exception=True)
        done = call_service(
            officers.role_withdraw,
            access=self.access,
            user_id=data.validated_data["user"],
            role=data.validated_data["role"],
        )
        return Response({"withdrawn": done})


class UnlockApi(_OfficerApi):
    """Lift an account's sign-in lock before its time."""

    @extend_schema(
        request=UnlockInput,
        responses={200: inline_serializer("Unlocked", {"unlocked": serializers.BooleanField()}), **REFUSED},
    )
    def post(self, request):
        data = UnlockInput(data=request.data)
        data.is_valid(raise_exception=True)
        return Response({"unlocked": call_service(officers.account_unlock, access=self.access, **data.validated_data)})


class AccountActiveApi(_OfficerApi):
    """Disable or enable an account everywhere (the platform's security administrator, root domain)."""

    @extend_schema(
        request=ActiveInput,
        responses={200: inline_serializer("AccountActive", {"is_active": serializers.BooleanField()}), **REFUSED},
    )
    def post(self, request, pk: int):
        data = ActiveInput(data=request.data)
        data.is_valid(raise_exception=True)
        user = call_service(
            officers.account_set_active, access=self.access, user_id=pk, active=data.validated_data["active"]
        )
        return Response({"is_active": user.is_active})
