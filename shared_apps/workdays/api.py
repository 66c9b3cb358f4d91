"""Calendar API: the province-wide calendar on the root domain (platform administrators), a congress's own
days on its host (its administrators and office staff). Same services as the pages."""

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from shared_apps.memberships.api_base import CongressApiView, PlatformApiView
from shared_apps.workdays import selectors, services
from shared_apps.workdays.models import CalendarDay, DayKind
from shared_apps.workdays.permissions import can_manage_calendar
from tenants.api import call_service


class CalendarDaySerializer(serializers.ModelSerializer):
    scope = serializers.SerializerMethodField()

    class Meta:
        model = CalendarDay
        fields = ["date", "kind", "name", "scope"]

    def get_scope(self, day) -> str:
        return "province" if day.congress_id is None else "congress"


class CalendarDayInput(serializers.Serializer):
    date = serializers.DateField()
    kind = serializers.ChoiceField(choices=DayKind.choices)
    name = serializers.CharField(max_length=services.NAME_MAX, required=False, allow_blank=True, default="")


class CalendarDateInput(serializers.Serializer):
    date = serializers.DateField()


YEAR = OpenApiParameter("year", int, description="the year listed (default: this year)")
DATE = OpenApiParameter("date", str, description="the day removed, YYYY-MM-DD (or in the body)")


class _CalendarApi:
    """GET the year's days of this host's scope; POST sets a day (idempotent); DELETE removes one."""

    def scope(self):
        return getattr(self, "congress", None)

    def listing(self, year: int) -> dict:
        return {
            "year": year,
            "days": CalendarDaySerializer(selectors.calendar_day_list(self.scope(), year), many=True).data,
        }

    @extend_schema(request=CalendarDayInput, responses=CalendarDaySerializer)
    def post(self, request):
        self.require(can_manage_calendar(self.access, self.scope()))
        data = CalendarDayInput(data=request.data)
        data.is_valid(raise_exception=True)
        day = call_service(
            services.calendar_day_set, access=self.access, congress_or_none=self.scope(), **data.validated_data
        )
        return Response(CalendarDaySerializer(day).data)

    @extend_schema(parameters=[DATE], request=CalendarDateInput, responses={204: None})
    def delete(self, request):
        self.require(can_manage_calendar(self.access, self.scope()))
        # Some clients and proxies drop a DELETE's body, so the date may come in the query string instead.
        data = CalendarDateInput(data=request.data or request.query_params)
        data.is_valid(raise_exception=True)
        removed = call_service(
            services.calendar_day_remove, access=self.access, congress_or_none=self.scope(), **data.validated_data
        )
        if not removed:
            raise NotFound()
        return Response(status=status.HTTP_204_NO_CONTENT)


class PlatformCalendarApi(_CalendarApi, PlatformApiView):
    """The province-wide calendar (the national arrangement), by year."""

    @extend_schema(
        parameters=[YEAR],
        responses=inline_serializer(
            "ProvinceCalendar", {"year": serializers.IntegerField(), "days": CalendarDaySerializer(many=True)}
        ),
    )
    def get(self, request):
        self.require(can_manage_calendar(self.access, None))
        return Response(self.listing(selectors.year_or_default(request.query_params.get("year"))))


class CongressCalendarApi(_CalendarApi, CongressApiView):
    """This congress's own days by year, with the province-wide days and the days in force here."""

    @extend_schema(
        parameters=[YEAR],
        responses=inline_serializer(
            "CongressCalendar",
            {
                "year": serializers.IntegerField(),
                "days": CalendarDaySerializer(many=True),
                "province": CalendarDaySerializer(many=True),
                "effective": CalendarDaySerializer(many=True),
            },
        ),
    )
    def get(self, request):
        self.require(can_manage_calendar(self.access, self.congress))
        year = selectors.year_or_default(request.query_params.get("year"))
        return Response(
            {
                **self.listing(year),
                "province": CalendarDaySerializer(selectors.calendar_day_list(None, year), many=True).data,
                "effective": CalendarDaySerializer(selectors.calendar_effective(self.congress, year), many=True).data,
            }
        )
