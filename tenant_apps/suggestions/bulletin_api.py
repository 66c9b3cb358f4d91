"""REST API of the progress bulletin: GET the month's bulletin (?year=&month=), POST to publish it.
The office gets live figures; other members of the congress the latest published snapshot, 404 before."""

from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from shared_apps.memberships.api_base import CongressApiView
from tenant_apps.suggestions import bulletin as bulletins
from tenant_apps.suggestions.bulletin import Bulletin, BulletinRow
from tenants.api import call_service


class BulletinRowSerializer(serializers.Serializer):
    unit = serializers.IntegerField(source="unit_id", allow_null=True)
    unit_name = serializers.CharField()
    assigned = serializers.IntegerField()
    replied = serializers.IntegerField()
    on_time = serializers.IntegerField()
    overdue = serializers.IntegerField()
    met = serializers.IntegerField()
    a_replies = serializers.IntegerField()
    evaluations = serializers.IntegerField()
    satisfied = serializers.IntegerField()
    on_time_rate = serializers.FloatField(allow_null=True)
    meeting_rate = serializers.FloatField(allow_null=True)
    a_rate = serializers.FloatField(allow_null=True)
    satisfaction_rate = serializers.FloatField(allow_null=True)


class BulletinSerializer(serializers.Serializer):
    congress_name = serializers.CharField()
    year = serializers.IntegerField()
    month = serializers.IntegerField()
    as_of = serializers.DateField()
    rows = BulletinRowSerializer(many=True)
    totals = BulletinRowSerializer()
    published_at = serializers.DateTimeField(allow_null=True)


class PeriodSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=bulletins.FIRST_YEAR, max_value=bulletins.LAST_YEAR)
    month = serializers.IntegerField(min_value=1, max_value=12)


def _payload(data: Bulletin, publication) -> dict:
    totals: BulletinRow = data.totals
    return BulletinSerializer(
        {**vars(data), "totals": totals, "published_at": publication.published_at if publication else None}
    ).data


class BulletinApi(CongressApiView):
    """The month's progress bulletin (GET: the office, or any member once published; POST: the office publishes)."""

    @extend_schema(
        parameters=[OpenApiParameter("year", int), OpenApiParameter("month", int)], responses=BulletinSerializer
    )
    def get(self, request):
        self.require(bulletins.can_view_published_bulletin(self.access))
        today = timezone.localdate()
        period = PeriodSerializer(
            data={
                "year": request.query_params.get("year", today.year),
                "month": request.query_params.get("month", today.month),
            }
        )
        period.is_valid(raise_exception=True)
        shown = bulletins.bulletin_visible(self.access, period.validated_data["year"], period.validated_data["month"])
        if shown is None:
            raise Http404
        return Response(_payload(*shown))

    @extend_schema(request=PeriodSerializer, responses={201: BulletinSerializer})
    def post(self, request):
        self.require(bulletins.can_manage_bulletin(self.access))
        period = PeriodSerializer(data=request.data)
        period.is_valid(raise_exception=True)
        publication = call_service(bulletins.bulletin_publish, access=self.access, **period.validated_data)
        data = bulletins.Bulletin.from_json(publication.snapshot)
        return Response(_payload(data, publication), status=status.HTTP_201_CREATED)
