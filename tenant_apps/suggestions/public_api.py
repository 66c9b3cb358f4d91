"""REST API of publication: the public list and items (anonymous callers welcome; only the visible parts, a
hidden part is null and named in `hidden`), the office's publish / unpublish, and the confidentiality setting."""

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from shared_apps.memberships.api_base import CongressApiView
from tenant_apps.suggestions import publication
from tenant_apps.suggestions.api import SuggestionApiBase
from tenant_apps.suggestions.models import Confidentiality, Kind
from tenants.api import call_service
from tenants.selectors import effective_settings


class MergedIntoSerializer(serializers.Serializer):
    id = serializers.IntegerField(allow_null=True, help_text="null when that item is not public")
    number = serializers.IntegerField(allow_null=True)
    title = serializers.CharField()


class PublicUnitSerializer(serializers.Serializer):
    name = serializers.CharField()
    role = serializers.CharField()
    role_label = serializers.CharField()


class PublicItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.IntegerField(allow_null=True)
    kind = serializers.CharField()
    kind_label = serializers.CharField()
    title = serializers.CharField()
    category = serializers.CharField()
    year = serializers.IntegerField(allow_null=True)
    submitted_at = serializers.DateTimeField(allow_null=True)
    published_at = serializers.DateTimeField()
    status = serializers.CharField()
    status_label = serializers.CharField()
    result_category = serializers.CharField()
    result_label = serializers.CharField()
    hidden = serializers.ListField(
        child=serializers.CharField(), help_text=f"parts not made public: {', '.join(publication.HIDEABLE)}"
    )
    lead_deputy = serializers.CharField(allow_null=True, help_text="null when the deputies are not public")
    merged_into = MergedIntoSerializer(allow_null=True, help_text="a merged item is answered with this one")


class PublicItemDetailSerializer(PublicItemSerializer):
    cosigners = serializers.ListField(child=serializers.CharField(), allow_null=True)
    body = serializers.CharField(allow_null=True)
    reply = serializers.CharField(allow_null=True, help_text="the reply's public text")
    replied_at = serializers.DateTimeField(allow_null=True)
    units = PublicUnitSerializer(many=True, allow_null=True)


class PublicFiltersSerializer(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True, max_length=publication.MAX_QUERY_LENGTH)
    year = serializers.IntegerField(required=False, min_value=1950, max_value=2999)
    result = serializers.CharField(required=False, allow_blank=True, help_text="a code of categories.result")
    kind = serializers.ChoiceField(required=False, allow_blank=True, choices=Kind.choices)


class PublicationStateSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    confidentiality = serializers.CharField()
    published_at = serializers.DateTimeField(allow_null=True)
    hidden = serializers.ListField(child=serializers.CharField(), source="public_hidden")
    is_public = serializers.BooleanField(help_text="shown on the public site now")
    publish_refusal = serializers.CharField(allow_null=True, help_text="why it cannot be published now")


class PublishInputSerializer(serializers.Serializer):
    hidden = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        default=list,
        help_text=f"parts to hide: {', '.join(publication.HIDEABLE)}",
    )


class NoteInputSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ConfidentialityInputSerializer(NoteInputSerializer):
    confidentiality = serializers.CharField(help_text=f"one of {', '.join(Confidentiality.values)}")


class PublicPagination(PageNumberPagination):
    page_size = publication.PAGE_SIZE


PAGINATED_ITEMS = inline_serializer(
    "PaginatedPublicSuggestionList",
    {
        "count": serializers.IntegerField(),
        "next": serializers.URLField(allow_null=True),
        "previous": serializers.URLField(allow_null=True),
        "results": PublicItemSerializer(many=True),
    },
)


class PublicSuggestionListApi(CongressApiView):
    """Published items of this congress (public), newest number first: `q` (every whitespace-separated term,
    substring, searched in the visible parts only), `year`, `result` (category code), `kind`."""

    @extend_schema(
        operation_id="suggestions_public_list",
        parameters=[
            OpenApiParameter("q", str),
            OpenApiParameter("year", int),
            OpenApiParameter("result", str),
            OpenApiParameter("kind", str, enum=Kind.values),
            OpenApiParameter("page", int),
        ],
        responses=PAGINATED_ITEMS,
    )
    def get(self, request):
        params = PublicFiltersSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        codes = [code for code, _label in effective_settings(self.congress)["categories.result"]]
        if data.get("result") and data["result"] not in codes:
            raise ValidationError(
                {"result": [_("未知的办理结果分类，可选：%(codes)s。") % {"codes": "、".join(codes)}]}
            )
        filters = publication.PublicFilters(
            q=data.get("q", "").strip(), year=data.get("year"), result=data.get("result", ""), kind=data.get("kind", "")
        )
        paginator = PublicPagination()
        page = paginator.paginate_queryset(publication.public_search(filters), request, view=self)
        rows = publication.public_rows(page, self.congress)
        return paginator.get_paginated_response(PublicItemSerializer(rows, many=True).data)


class PublicSuggestionDetailApi(CongressApiView):
    """One published item (public): the visible parts, the units and the reply; 404 unless published."""

    @extend_schema(operation_id="suggestions_public_retrieve", responses=PublicItemDetailSerializer)
    def get(self, request, pk: int):
        item = publication.public_get(pk)
        if item is None:
            raise Http404
        return Response(PublicItemDetailSerializer(publication.public_detail(item, self.congress)).data)


class _PublicationStateApi(SuggestionApiBase):
    def state(self, pk: int) -> Response:
        item = self.item_or_404(pk)
        item.is_public = publication.public_get(item.pk) is not None
        item.publish_refusal = publication.publish_refusal(item) if publication.can_publish(self.access) else None
        return Response(PublicationStateSerializer(item).data)


class PublicationApi(_PublicationStateApi):
    """An item's publication: GET its state (whoever sees the item), POST to publish it with `hidden` parts or
    change them, DELETE to unpublish it (the office)."""

    @extend_schema(responses=PublicationStateSerializer)
    def get(self, request, pk: int):
        return self.state(pk)

    @extend_schema(request=PublishInputSerializer, responses=PublicationStateSerializer)
    def post(self, request, pk: int):
        item = self.item_or_404(pk)
        data = PublishInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        call_service(
            publication.suggestion_publish, access=self.access, suggestion=item, hidden=data.validated_data["hidden"]
        )
        return self.state(pk)

    @extend_schema(request=NoteInputSerializer, responses=PublicationStateSerializer)
    def delete(self, request, pk: int):
        item = self.item_or_404(pk)
        data = NoteInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        call_service(publication.suggestion_unpublish, access=self.access, suggestion=item, **data.validated_data)
        return self.state(pk)


class ConfidentialityApi(_PublicationStateApi):
    """Set an item's confidentiality: none, identity or classified (the lead deputy on a draft, the office)."""

    @extend_schema(request=ConfidentialityInputSerializer, responses=PublicationStateSerializer)
    def post(self, request, pk: int):
        item = self.item_or_404(pk)
        data = ConfidentialityInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        call_service(
            publication.suggestion_set_confidentiality, access=self.access, suggestion=item, **data.validated_data
        )
        return self.state(pk)
