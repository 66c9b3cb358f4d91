"""Public API of the deputy directory (congress hosts) and the province-wide deputy search (root domain).

# SECURITY: the serializers list public fields only. No identifier of any kind (ID number, mobile, not even
masked) and no registry key is exposed; a deputy is reached through the page URL of each seat.
"""

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from shared_apps.memberships.api_base import CongressApiView, PlatformApiView
from shared_apps.registry import directory
from shared_apps.registry.models import Deputy, Seat


class PublicSeatSerializer(serializers.ModelSerializer):
    tier = serializers.CharField(read_only=True, help_text="national, province, city, county or township")
    congress = serializers.CharField(source="congress.name", default=directory.NPC_NAME, read_only=True)
    congress_url = serializers.SerializerMethodField()
    term = serializers.CharField(source="term.__str__", read_only=True)
    constituency = serializers.CharField(source="constituency.name", default="", read_only=True)
    delegation = serializers.CharField(source="delegation.name", default="", read_only=True)
    url = serializers.SerializerMethodField(help_text="The deputy's public page in this seat's congress.")

    class Meta:
        model = Seat
        fields = ["tier", "congress", "congress_url", "term", "constituency", "delegation", "url"]

    def get_congress_url(self, seat: Seat) -> str:
        return seat.congress.url() if seat.congress is not None else ""

    def get_url(self, seat: Seat) -> str:
        return directory.seat_deputy_url(seat)


class PublicDeputySerializer(serializers.ModelSerializer):
    photo = serializers.SerializerMethodField()
    seats = PublicSeatSerializer(source="public_seats", many=True, read_only=True)

    class Meta:
        model = Deputy
        fields = ["name", "gender", "ethnicity", "party", "occupation", "work_unit", "photo", "biography", "seats"]

    def get_photo(self, deputy: Deputy) -> str | None:
        if not deputy.photo:
            return None
        request = self.context.get("request")
        return request.build_absolute_uri(deputy.photo.url) if request else deputy.photo.url


class PublicDeputyDetailSerializer(PublicDeputySerializer):
    contact = serializers.SerializerMethodField()

    class Meta(PublicDeputySerializer.Meta):
        fields = [*PublicDeputySerializer.Meta.fields, "contact"]

    def get_contact(self, deputy: Deputy) -> str:
        return str(directory.CONTACT_NOTE)  # rendered into this response anyway, in its language


class DirectoryPagination(PageNumberPagination):
    page_size = directory.PAGE_SIZE


PAGINATED_DEPUTIES = inline_serializer(
    "PaginatedPublicDeputyList",
    {
        "count": serializers.IntegerField(),
        "next": serializers.URLField(allow_null=True),
        "previous": serializers.URLField(allow_null=True),
        "results": PublicDeputySerializer(many=True),
    },
)


def paginated(view, queryset, request) -> Response:
    """One page of public deputies, as {count, next, previous, results}."""
    paginator = DirectoryPagination()
    page = paginator.paginate_queryset(queryset, request, view=view)
    return paginator.get_paginated_response(PublicDeputySerializer(page, many=True, context={"request": request}).data)


class DeputyListApi(CongressApiView):
    """Deputies serving in this congress's open term, by name (public); `constituency` narrows by name."""

    @extend_schema(
        operation_id="deputies_list",
        parameters=[OpenApiParameter("constituency", str), OpenApiParameter("page", int)],
        responses=PAGINATED_DEPUTIES,
    )
    def get(self, request):
        constituency = (request.query_params.get("constituency") or "").strip()
        deputies = directory.directory_deputy_list(self.congress, constituency=constituency)
        return paginated(self, deputies, request)


class DeputyDetailApi(CongressApiView):
    """A deputy serving in this congress (public): profile, public seats at every tier, contact channel."""

    @extend_schema(responses=PublicDeputyDetailSerializer)
    def get(self, request, deputy_id: int):
        try:
            deputy = directory.directory_deputy_get(self.congress, deputy_id)
        except Deputy.DoesNotExist:
            raise NotFound() from None
        return Response(PublicDeputyDetailSerializer(deputy, context={"request": request}).data)


class DeputySearchApi(PlatformApiView):
    """The province-wide deputy search (public): name substring `q`, seat `tier`, `congress` (division code)
    and `constituency` (name substring); only serving seats count."""

    @extend_schema(
        operation_id="deputies_search",
        parameters=[
            OpenApiParameter("q", str),
            OpenApiParameter("tier", str),
            OpenApiParameter("congress", str, description="division code"),
            OpenApiParameter("constituency", str),
            OpenApiParameter("page", int),
        ],
        responses=PAGINATED_DEPUTIES,
    )
    def get(self, request):
        filters = directory.SearchFilters.from_params(request.query_params)
        return paginated(self, directory.deputy_search(filters), request)
