"""API of the stations (public reads, the office's writes), the interaction window and the figures: the same
services and selectors as the pages."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from shared_apps.memberships.api_base import CongressApiView
from shared_apps.registry import directory
from shared_apps.registry.models import Deputy
from tenant_apps.groups.models import Studio
from tenant_apps.liaison import figures, posters, selectors, window
from tenant_apps.liaison.permissions import can_manage_stations, can_view_figures
from tenant_apps.liaison.services import stations
from tenant_apps.liaison.views.stations import message_url
from tenants.api import call_service
from tenants.shortcuts import or_404


class StationSerializer(serializers.Serializer):
    """What the public may read of a station."""

    id = serializers.IntegerField()
    code = serializers.CharField()
    kind = serializers.CharField()
    name = serializers.CharField()
    address = serializers.CharField()
    reception_days = serializers.CharField()
    contact_name = serializers.CharField()
    contact_phone = serializers.CharField()
    introduction = serializers.CharField()
    is_active = serializers.BooleanField()


class StationDutyDeputySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    photo_url = serializers.CharField()
    tier = serializers.CharField()
    duty_note = serializers.CharField()


class StationPublicSerializer(StationSerializer):
    url = serializers.CharField()
    qr_png = serializers.CharField()
    qr_svg = serializers.CharField()
    poster_pdf = serializers.CharField()
    message_url = serializers.CharField()
    deputies = StationDutyDeputySerializer(many=True)


class StationStaffSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    email = serializers.EmailField()


class StationOfficeSerializer(StationPublicSerializer):
    staff = StationStaffSerializer(many=True)


class StationInputSerializer(serializers.Serializer):
    # Only the shape: the service checks the values (lengths, uniqueness, the code's form).
    name = serializers.CharField(required=False, allow_blank=True)
    code = serializers.CharField(required=False, allow_blank=True)
    address = serializers.CharField(required=False, allow_blank=True)
    reception_days = serializers.CharField(required=False, allow_blank=True)
    contact_name = serializers.CharField(required=False, allow_blank=True)
    contact_phone = serializers.CharField(required=False, allow_blank=True)
    introduction = serializers.CharField(required=False, allow_blank=True)


class StationActiveInputSerializer(serializers.Serializer):
    is_active = serializers.BooleanField()


class StationDutyInputSerializer(serializers.Serializer):
    deputy = serializers.IntegerField()
    duty_note = serializers.CharField(required=False, allow_blank=True, default="")


class StationDeputiesInputSerializer(serializers.Serializer):
    deputies = StationDutyInputSerializer(many=True)


class StationStaffInputSerializer(serializers.Serializer):
    users = serializers.ListField(child=serializers.IntegerField())


class LiaisonFiguresSerializer(serializers.Serializer):
    received = serializers.IntegerField()
    answered = serializers.IntegerField()
    forwarded = serializers.IntegerField()
    escalated = serializers.IntegerField()
    answer_rate = serializers.FloatField(allow_null=True)
    median_days_to_answer = serializers.FloatField(allow_null=True)
    average_days_to_answer = serializers.FloatField(allow_null=True)


class LiaisonWindowRowSerializer(serializers.Serializer):
    category = serializers.CharField()
    text = serializers.CharField()
    sender = serializers.CharField()
    sent_on = serializers.DateField()
    station_name = serializers.CharField()
    station_code = serializers.CharField()
    deputy_id = serializers.IntegerField(allow_null=True)
    deputy_name = serializers.CharField()
    reply = serializers.CharField()
    replied_on = serializers.DateField(allow_null=True)
    status = serializers.CharField()


WindowPageSerializer = inline_serializer(
    "LiaisonWindowPage",
    {
        "count": serializers.IntegerField(),
        "page": serializers.IntegerField(),
        "pages": serializers.IntegerField(),
        "results": LiaisonWindowRowSerializer(many=True),
    },
)
PERIOD_PARAMETERS = [
    OpenApiParameter("year", int),
    OpenApiParameter("date_from", str, description="ISO date; with date_to instead of year"),
    OpenApiParameter("date_to", str),
]


def _window_page(messages, request, congress) -> dict:
    page = window.page_of(messages, request.query_params.get("page"), congress)
    return {
        "count": page.paginator.count,
        "page": page.number,
        "pages": page.paginator.num_pages,
        "results": LiaisonWindowRowSerializer(page.object_list, many=True).data,
    }


def _period(params) -> figures.Period:
    try:
        return figures.period_from(params)
    except DjangoValidationError as exc:
        raise ValidationError(exc.message_dict) from None


# -- stations ------------------------------------------------------------------------------------------


class _StationApi(CongressApiView):
    def station_or_404(self, pk) -> object:
        return or_404(selectors.station_get(pk))

    def public_data(self, station) -> dict:
        url = posters.station_url(self.congress, station)
        data = dict(StationSerializer(station).data)
        data.update(
            url=url,
            qr_png=url + "qr.png",
            qr_svg=url + "qr.svg",
            poster_pdf=url + "poster.pdf",
            message_url=self.request.build_absolute_uri(message_url(station.code)),
            deputies=StationDutyDeputySerializer(
                [d for d in selectors.duty_deputies(station, self.congress) if d.serving_here], many=True
            ).data,
        )
        return data

    def office_data(self, station, code=status.HTTP_200_OK) -> Response:
        data = self.public_data(station)
        data["deputies"] = StationDutyDeputySerializer(selectors.duty_deputies(station, self.congress), many=True).data
        data["staff"] = StationStaffSerializer(selectors.staff_accounts(station), many=True).data
        return Response(data, status=code)


class StationListApi(_StationApi):
    """The congress's stations: active ones for everybody; the office also sees inactive ones. POST: a new
    physical station (the office)."""

    @extend_schema(responses=StationSerializer(many=True))
    def get(self, request):
        include_inactive = can_manage_stations(self.access)
        return Response(StationSerializer(selectors.station_list(include_inactive=include_inactive), many=True).data)

    @extend_schema(request=StationInputSerializer, responses={201: StationOfficeSerializer})
    def post(self, request):
        self.require(can_manage_stations(self.access))
        data = StationInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        station = call_service(stations.station_create, access=self.access, data=data.validated_data)
        return self.office_data(station, status.HTTP_201_CREATED)


class StationDetailApi(_StationApi):
    """One station with its deputies on duty and staff (the office); PATCH changes the fields given."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.require(can_manage_stations(self.access))

    @extend_schema(responses=StationOfficeSerializer)
    def get(self, request, pk: int):
        return self.office_data(self.station_or_404(pk))

    @extend_schema(request=StationInputSerializer, responses=StationOfficeSerializer)
    def patch(self, request, pk: int):
        station = self.station_or_404(pk)
        data = StationInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        station = call_service(stations.station_update, access=self.access, station=station, data=data.validated_data)
        return self.office_data(station)


class StationActiveApi(_StationApi):
    """Deactivate a station or bring it back (the office); the online station stays active."""

    @extend_schema(request=StationActiveInputSerializer, responses=StationOfficeSerializer)
    def post(self, request, pk: int):
        self.require(can_manage_stations(self.access))
        station = self.station_or_404(pk)
        data = StationActiveInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        station = call_service(
            stations.station_set_active, access=self.access, station=station, is_active=data.validated_data["is_active"]
        )
        return self.office_data(station)


class StationDeputiesApi(_StationApi):
    """Replace the deputies on duty (the office): each must serve in this congress."""

    @extend_schema(request=StationDeputiesInputSerializer, responses=StationOfficeSerializer)
    def put(self, request, pk: int):
        self.require(can_manage_stations(self.access))
        station = self.station_or_404(pk)
        data = StationDeputiesInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        call_service(
            stations.station_deputies_set,
            access=self.access,
            station=station,
            deputies=[dict(d) for d in data.validated_data["deputies"]],
        )
        return self.office_data(station)


class StationStaffApi(_StationApi):
    """Replace the station's staff (the office): accounts that are members of this congress."""

    @extend_schema(request=StationStaffInputSerializer, responses=StationOfficeSerializer)
    def put(self, request, pk: int):
        self.require(can_manage_stations(self.access))
        station = self.station_or_404(pk)
        data = StationStaffInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        call_service(
            stations.station_staff_set, access=self.access, station=station, users=data.validated_data["users"]
        )
        return self.office_data(station)


class StationPublicApi(_StationApi):
    """A station's public facts by its code, with its deputies on duty and its poster links (anyone)."""

    @extend_schema(responses=StationPublicSerializer)
    def get(self, request, code: str):
        return Response(self.public_data(or_404(selectors.station_public_get(code))))


# -- the window and the figures ------------------------------------------------------------------------


class WindowApi(CongressApiView):
    """The interaction window (anyone): approved messages with their public reply, 20 a page, for the congress,
    or one station (`station`: its code), deputy (`deputy`) or deputy studio (`studio`)."""

    @extend_schema(
        parameters=[
            OpenApiParameter("station", str),
            OpenApiParameter("deputy", int),
            OpenApiParameter("studio", int),
            OpenApiParameter("page", int),
        ],
        responses=WindowPageSerializer,
    )
    def get(self, request):
        params = request.query_params
        messages = window.window_messages()
        if params.get("station"):
            messages = window.for_station(or_404(selectors.station_public_get(params["station"])))
        elif params.get("deputy"):
            deputy = or_404(Deputy.objects.filter(pk=_int_or_404(params["deputy"])).only("id", "user_id").first())
            messages = window.for_deputy(deputy)
        elif params.get("studio"):
            studio = or_404(Studio.objects.filter(pk=_int_or_404(params["studio"])).first())
            messages = window.for_deputies(window.studio_deputy_ids(studio))
        return Response(_window_page(messages, request, self.congress))


def _int_or_404(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise NotFound() from None


class DeputyPublicApi(CongressApiView):
    """A deputy's public page here (anyone): name, tier, response figures over all time, and one page of their
    approved messages; 404 unless they serve in this congress's open term."""

    @extend_schema(
        parameters=[OpenApiParameter("page", int)],
        responses=inline_serializer(
            "LiaisonDeputy",
            {
                "id": serializers.IntegerField(),
                "name": serializers.CharField(),
                "photo_url": serializers.CharField(),
                "tier": serializers.CharField(),
                "figures": LiaisonFiguresSerializer(),
                "window": WindowPageSerializer,
            },
        ),
    )
    def get(self, request, deputy_id: int):
        try:
            deputy = directory.directory_deputy_get(self.congress, deputy_id)
        except Deputy.DoesNotExist:
            raise NotFound() from None
        seat = next((s for s in deputy.public_seats if s.congress_id == self.congress.pk), None)
        return Response(
            {
                "id": deputy.pk,
                "name": deputy.name,
                "photo_url": deputy.photo.url if deputy.photo else "",
                "tier": seat.get_tier_display() if seat else "",
                "figures": figures.deputy_public_figures(deputy).to_json(),
                "window": _window_page(window.for_deputy(deputy), request, self.congress),
            }
        )


class FiguresApi(CongressApiView):
    """The congress's figures for a year (default: this year) or a date range, in total, per station and per
    deputy (the office)."""

    @extend_schema(
        parameters=PERIOD_PARAMETERS,
        responses=inline_serializer(
            "LiaisonFiguresReport",
            {
                "date_from": serializers.DateField(),
                "date_to": serializers.DateField(),
                "total": LiaisonFiguresSerializer(),
                "stations": serializers.ListField(child=serializers.DictField()),
                "deputies": serializers.ListField(child=serializers.DictField()),
            },
        ),
    )
    def get(self, request):
        self.require(can_view_figures(self.access))
        period = _period(request.query_params)
        return Response(
            {
                "date_from": period.start,
                "date_to": period.end,
                "total": figures.congress_figures(period).to_json(),
                "stations": [
                    {"id": s.pk, "code": s.code, "name": s.name, **f.to_json()}
                    for s, f in figures.station_figures(period)
                ],
                "deputies": [{"id": d.pk, "name": d.name, **f.to_json()} for d, f in figures.deputy_figures(period)],
            }
        )


class FiguresRollupApi(CongressApiView):
    """The year's figures of every congress below this one, from the public read model (the office)."""

    @extend_schema(
        parameters=[OpenApiParameter("year", int)],
        responses=inline_serializer(
            "LiaisonRollup",
            {
                "year": serializers.IntegerField(),
                "congresses": serializers.ListField(child=serializers.DictField()),
                "total": LiaisonFiguresSerializer(),
            },
        ),
    )
    def get(self, request):
        self.require(can_view_figures(self.access))
        year = _period({"year": request.query_params.get("year") or timezone.localdate().year}).start.year
        rows, total = figures.rollup_for(self.congress, year)
        return Response(
            {
                "year": year,
                "congresses": [
                    {
                        "division_code": r["congress"].division_code,
                        "name": r["congress"].name,
                        "tier": r["congress"].tier,
                        **r["figures"].to_json(),
                    }
                    for r in rows
                ],
                "total": total.to_json(),
            }
        )
