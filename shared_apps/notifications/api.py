"""REST API of the account's notices: GET /api/v1/me/notices/, POST /api/v1/me/notices/<id>/read/ and
POST /api/v1/me/notices/read/ (all). Served on every host, like the page; each account sees only its own."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_serializer, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from shared_apps.memberships.api_base import AnyHostApiView
from shared_apps.notifications import selectors, services

LIMIT_DEFAULT, LIMIT_MAX = 50, 200


@extend_schema_serializer(component_name="MyNotice")
class NoticeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    title = serializers.CharField()
    body = serializers.CharField()
    url = serializers.CharField()
    congress = serializers.CharField(source="congress.name", default=None, allow_null=True)
    created_at = serializers.DateTimeField()
    read_at = serializers.DateTimeField(allow_null=True)


class NoticeListApi(AnyHostApiView):
    """The caller's notices, newest first (`?unread=1`: unread only; `?limit=`: at most 200)."""

    @extend_schema(
        parameters=[OpenApiParameter("unread", bool), OpenApiParameter("limit", int)],
        responses=inline_serializer(
            "NoticeList", {"unread": serializers.IntegerField(), "results": NoticeSerializer(many=True)}
        ),
    )
    def get(self, request):
        self.require(self.access.is_authenticated)
        rows = selectors.notification_list(request.user)
        if request.query_params.get("unread") in ("1", "true"):
            rows = rows.filter(read_at__isnull=True)
        try:
            limit = min(max(int(request.query_params.get("limit", LIMIT_DEFAULT)), 1), LIMIT_MAX)
        except ValueError:
            raise serializers.ValidationError({"limit": [_("请填写1至%(n)d之间的整数。") % {"n": LIMIT_MAX}]}) from None
        return Response(
            {
                "unread": selectors.unread_count(request.user),
                "results": NoticeSerializer(rows[:limit], many=True).data,
            }
        )


class NoticeReadApi(AnyHostApiView):
    """Mark one of the caller's notices as read; 404 for a notice that is not theirs."""

    @extend_schema(request=None, responses=NoticeSerializer)
    def post(self, request, pk: int):
        self.require(self.access.is_authenticated)
        notification = selectors.notification_get_for_user(request.user, pk)
        if notification is None:
            # SECURITY: 404, not 403, for someone else's notice: whether it exists is not disclosed.
            raise NotFound()
        return Response(NoticeSerializer(services.mark_read(user=request.user, notification=notification)).data)


class NoticeReadAllApi(AnyHostApiView):
    """Mark all the caller's notices as read; returns how many changed."""

    @extend_schema(
        operation_id="me_notices_read_all",
        request=None,
        responses=inline_serializer("NoticesRead", {"marked": serializers.IntegerField()}),
    )
    def post(self, request):
        self.require(self.access.is_authenticated)
        return Response({"marked": services.mark_all_read(user=request.user)})


class PreferenceSerializer(serializers.Serializer):
    by_sms = serializers.BooleanField()
    by_email = serializers.BooleanField()
    sms_to = serializers.CharField(read_only=True, help_text="the masked mobile number SMS goes to; empty: none")


class NoticePreferenceApi(AnyHostApiView):
    """How notices that matter at once reach the caller beyond the in-app list (SMS, e-mail)."""

    def _answer(self, request, preference) -> Response:
        data = {"by_sms": preference.by_sms, "by_email": preference.by_email}
        return Response(PreferenceSerializer({**data, "sms_to": selectors.sms_number_masked(request.user)}).data)

    @extend_schema(responses=PreferenceSerializer)
    def get(self, request):
        self.require(self.access.is_authenticated)
        return self._answer(request, selectors.preference_for(request.user))

    @extend_schema(request=PreferenceSerializer, responses=PreferenceSerializer)
    def put(self, request):
        self.require(self.access.is_authenticated)
        serializer = PreferenceSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return self._answer(request, services.preference_set(user=request.user, **serializer.validated_data))
