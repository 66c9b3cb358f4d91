"""The sender's tracking endpoint, on every congress host and on the root domain (tracking.lookup): a message's
steps by its tracking code and the mobile's last four digits, from the public tracker only."""

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from shared_apps.memberships.api_base import CongressApiView, PlatformApiView
from tenant_apps.liaison import tracking
from tenants.addresses import client_address


class TrackedStepSerializer(serializers.Serializer):
    congress = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField()
    public_note = serializers.CharField()
    created_at = serializers.DateTimeField()


class TrackedMatterSerializer(serializers.Serializer):
    code = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField()
    congress = serializers.CharField()
    steps = TrackedStepSerializer(many=True)


class _TrackLookup:
    @extend_schema(
        parameters=[
            OpenApiParameter("code", str, required=True, description="查询码"),
            OpenApiParameter("last4", str, required=True, description="手机号码后四位"),
        ],
        responses={
            200: TrackedMatterSerializer,
            404: OpenApiResponse(description="no such code with these digits (the same answer for either)"),
            429: OpenApiResponse(description="too many lookups from this address"),
        },
    )
    def get(self, request):
        code, last4 = request.query_params.get("code", ""), request.query_params.get("last4", "")
        matter, refusal = tracking.lookup(client_address(request._request), code, last4)
        if refusal:
            return Response({"detail": refusal}, status=status.HTTP_429_TOO_MANY_REQUESTS)
        if matter is None:
            return Response({"detail": tracking.not_found_text()}, status=status.HTTP_404_NOT_FOUND)
        return Response(TrackedMatterSerializer(matter).data)


class MessageTrackApi(_TrackLookup, CongressApiView):
    """Anyone: a message's steps by its tracking code and the mobile's last four digits."""


class PlatformMessageTrackApi(_TrackLookup, PlatformApiView):
    """Anyone, on the root domain: a message's steps by its tracking code and the mobile's last four digits."""
