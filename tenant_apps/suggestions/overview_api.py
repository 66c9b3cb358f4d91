"""REST API of the office's overview: GET every item past its draft that matches the filters (the page's query
parameters), with the three summaries. Office only; a bad filter value answers 400 keyed by the parameter."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from shared_apps.memberships.api_base import CongressApiView
from tenant_apps.suggestions import overview as overviews
from tenant_apps.suggestions.permissions import can_read_overview
from tenants.api import call_service


class UnitPartSerializer(serializers.Serializer):
    unit = serializers.IntegerField(source="unit_id")
    name = serializers.CharField()
    role = serializers.CharField()
    role_label = serializers.CharField()


class OverviewRowSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.IntegerField(allow_null=True)
    kind = serializers.CharField()
    kind_label = serializers.CharField()
    title = serializers.CharField()
    lead_deputy = serializers.IntegerField(source="lead_deputy_id")
    lead_deputy_name = serializers.CharField()
    delegation = serializers.IntegerField(
        source="delegation_id", allow_null=True, help_text="the lead deputy's delegation in the open term"
    )
    delegation_name = serializers.CharField()
    cosigner_count = serializers.IntegerField(help_text="co-signers who confirmed")
    lead_unit = UnitPartSerializer(allow_null=True)
    other_units = UnitPartSerializer(many=True)
    status = serializers.CharField()
    status_label = serializers.CharField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    assigned_at = serializers.DateTimeField(allow_null=True)
    reply_due = serializers.DateField(allow_null=True)
    replied_at = serializers.DateTimeField(allow_null=True)
    is_overdue = serializers.BooleanField(help_text="awaiting a reply and reply_due has passed")
    meeting_held = serializers.BooleanField(help_text="a unit logged a face-to-face meeting (面商)")
    result_category = serializers.CharField()
    result_category_label = serializers.CharField()
    latest_evaluation = serializers.CharField(help_text="the lead deputy's latest rating of the result")
    latest_evaluation_label = serializers.CharField()
    is_key = serializers.BooleanField()
    confidentiality = serializers.CharField()
    confidentiality_label = serializers.CharField()


class SummaryRowSerializer(serializers.Serializer):
    key = serializers.IntegerField(allow_null=True, help_text="delegation, unit or deputy id; null: no delegation")
    name = serializers.CharField()
    total = serializers.IntegerField()
    overdue = serializers.IntegerField()
    counts = serializers.DictField(child=serializers.IntegerField(), help_text="items by status")
    extra = serializers.IntegerField(allow_null=True, help_text="unit: items it leads; deputy: items co-signed")


class SummarySerializer(serializers.Serializer):
    group = serializers.CharField()
    title = serializers.CharField()
    extra_header = serializers.CharField(allow_null=True)
    rows = SummaryRowSerializer(many=True)


class SummariesSerializer(serializers.Serializer):
    delegation = SummarySerializer()
    unit = SummarySerializer()
    deputy = SummarySerializer()


class OverviewSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    items = OverviewRowSerializer(many=True)
    summaries = SummariesSerializer()


def _param(name: str, kind, description: str, many: bool = False) -> OpenApiParameter:
    return OpenApiParameter(name, kind, description=description, many=many, explode=True if many else None)


FILTER_PARAMETERS = [
    _param("status", OpenApiTypes.STR, "statuses (repeat or comma-separate); drafts are never listed", many=True),
    _param("kind", OpenApiTypes.STR, "motion or suggestion"),
    _param("delegation", OpenApiTypes.STR, "a delegation id of the open term, or 'none'"),
    _param("unit", OpenApiTypes.INT, "a handling unit id (assigned in any role)"),
    _param("unit_role", OpenApiTypes.STR, "'any' (default) or 'lead': the unit leads the item"),
    _param("deputy", OpenApiTypes.INT, "a deputy id: the lead deputy or a confirmed co-signer"),
    _param("result_category", OpenApiTypes.STR, "a code of categories.result"),
    _param("overdue", OpenApiTypes.BOOL, "only items awaiting a reply past reply_due"),
    _param("key", OpenApiTypes.BOOL, "only key suggestions (重点督办)"),
    _param("year", OpenApiTypes.INT, "the year the item was submitted"),
    _param("q", OpenApiTypes.STR, "text in the title, or the number"),
]


class OverviewApi(CongressApiView):
    """Every item of the congress past its draft matching the filters, and how they stand by delegation, by
    unit and by deputy (the office)."""

    @extend_schema(parameters=FILTER_PARAMETERS, responses=OverviewSerializer)
    def get(self, request):
        self.require(can_read_overview(self.access))
        filters = call_service(overviews.parse_filters, congress=self.congress, params=request.query_params)
        data = call_service(overviews.overview, access=self.access, filters=filters)
        rows = data.rows()
        payload = {"count": len(rows), "items": rows, "summaries": data.summaries()}
        return Response(OverviewSerializer(payload).data)
