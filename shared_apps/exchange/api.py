"""The exchange for operators (platform administrators) on the root domain: the transfers of one status, and
the retry of a failed one. Same selectors and service as the console page."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from shared_apps.exchange import selectors, services
from shared_apps.exchange.models import Transfer, TransferStatus
from shared_apps.memberships.api_base import PlatformApiView
from shared_apps.memberships.permissions import can_use_console
from tenants.api import call_service

LIST_LIMIT = 500


class TransferSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    kind = serializers.CharField()
    kind_label = serializers.SerializerMethodField()
    # DRF moves declared fields off the class; the stubs see this as replacing Field.source.
    source = serializers.CharField(source="source.name", default="")  # type: ignore[assignment]
    target = serializers.CharField(source="target.name")
    source_ref = serializers.CharField()
    target_ref = serializers.CharField()
    status = serializers.CharField()
    attempts = serializers.IntegerField()
    last_error = serializers.CharField()
    answer_note = serializers.CharField()
    retries = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    delivered_at = serializers.DateTimeField(allow_null=True)
    answered_at = serializers.DateTimeField(allow_null=True)
    retried_at = serializers.DateTimeField(allow_null=True)

    def get_kind_label(self, transfer) -> str:
        return selectors.kind_label(transfer.kind)


class _OperatorApi(PlatformApiView):
    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.require(can_use_console(self.access))


class TransferListApi(_OperatorApi):
    """Transfers of one status (failed by default), optionally of one kind, newest first (at most 500)."""

    @extend_schema(
        parameters=[
            OpenApiParameter("status", str, enum=TransferStatus.values, description="default: failed"),
            OpenApiParameter("kind", str, description="e.g. notice, message_escalation"),
        ],
        responses=TransferSerializer(many=True),
    )
    def get(self, request):
        status = request.query_params.get("status") or TransferStatus.FAILED
        transfers = selectors.transfer_list(status=status, kind=request.query_params.get("kind", ""))
        return Response(TransferSerializer(transfers[:LIST_LIMIT], many=True).data)


class TransferRetryApi(_OperatorApi):
    """Send a failed transfer again (its delivery job is queued at once); 400 if it has not failed."""

    @extend_schema(request=None, responses=TransferSerializer)
    def post(self, request, pk):
        transfer = get_object_or_404(Transfer, pk=pk)
        retried = call_service(services.transfer_retry, access=self.access, transfer=transfer)
        return Response(TransferSerializer(retried).data)
