"""REST API of the audit log: GET /api/v1/audit/ on every host, for the audit administrator (a congress's own
rows on its host, every row on the root domain), with the page's filters."""

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination

from shared_apps.audit import selectors
from shared_apps.audit.models import AuditEntry, Outcome
from shared_apps.memberships.api_base import AnyHostApiView
from shared_apps.memberships.permissions import can_read_audit


class AuditEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = AuditEntry
        fields = [
            "id",
            "at",
            "action",
            "outcome",
            "actor_id",
            "actor_label",
            "address",
            "congress",
            "object_type",
            "object_id",
            "data",
            "prev_hash",
            "hash",
        ]


class AuditLogApi(AnyHostApiView):
    """The audit log, newest first, 50 rows a page."""

    @extend_schema(
        parameters=[
            OpenApiParameter("since", str, description="YYYY-MM-DD, inclusive"),
            OpenApiParameter("until", str, description="YYYY-MM-DD, inclusive"),
            OpenApiParameter("action", str, description="action code, or its beginning (e.g. auth.)"),
            OpenApiParameter("actor", str, description="part of the account's e-mail"),
            OpenApiParameter("outcome", str, enum=Outcome.values),
            OpenApiParameter("congress", str, description="schema name (root domain only); public: the platform"),
            OpenApiParameter("address", str, description="the address, or its beginning"),
            OpenApiParameter("page", int),
        ],
        responses={
            200: inline_serializer(
                "PaginatedAuditEntryList",
                {
                    "count": serializers.IntegerField(),
                    "next": serializers.URLField(allow_null=True),
                    "previous": serializers.URLField(allow_null=True),
                    "results": AuditEntrySerializer(many=True),
                },
            ),
            401: OpenApiResponse(description="Not signed in."),
            403: OpenApiResponse(description="Not an audit administrator here."),
            404: OpenApiResponse(description="No such page."),
        },
    )
    def get(self, request):
        self.require(self.access.is_authenticated and can_read_audit(self.access))
        rows = selectors.entries_for(self.access, selectors.AuditFilter.from_query(request.query_params))
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(rows, request, view=self)
        return paginator.get_paginated_response(AuditEntrySerializer(page, many=True).data)
