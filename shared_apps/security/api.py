"""REST API of the account's API tokens: GET /api/v1/me/tokens/ and DELETE /api/v1/me/tokens/<id>/, on every
host; each account sees and revokes only its own."""

from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from shared_apps.memberships.api_base import AnyHostApiView
from shared_apps.security import mydata, tokens
from shared_apps.security.models import ApiToken


class ApiTokenSerializer(serializers.ModelSerializer):
    current = serializers.SerializerMethodField(help_text="whether this call was made with this token")

    class Meta:
        model = ApiToken
        fields = ["id", "device", "prefix", "created_at", "last_used_at", "expires_at", "current"]

    def get_current(self, token) -> bool:
        return getattr(self.context.get("auth"), "pk", None) == token.pk


class TokenListApi(AnyHostApiView):
    """The caller's usable API tokens (one per device), newest first."""

    @extend_schema(responses=ApiTokenSerializer(many=True))
    def get(self, request):
        self.require(self.access.is_authenticated)
        rows = tokens.tokens_for(request.user)
        return Response(ApiTokenSerializer(rows, many=True, context={"auth": request.auth}).data)


class TokenRevokeApi(AnyHostApiView):
    """Revoke one of the caller's tokens (signing a device out); its key stops working at once."""

    @extend_schema(responses={204: None, 404: OpenApiResponse(description="Not one of the caller's tokens.")})
    def delete(self, request, pk: int):
        self.require(self.access.is_authenticated)
        token = ApiToken.objects.usable().filter(user=request.user, pk=pk).first()
        if token is None:
            raise NotFound()
        tokens.revoke(token, request=request._request)
        return Response(status=204)


class MyDataApi(AnyHostApiView):
    """The caller's own data (account, roles, a deputy's registry record and seats, devices, notices, the audit
    rows naming them); the download is logged."""

    @extend_schema(responses=inline_serializer("MyData", {"account": serializers.DictField()}))
    def get(self, request):
        self.require(self.access.is_authenticated)
        return Response(mydata.export(request.user))
