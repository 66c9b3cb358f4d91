"""National (NPC) seats of the province's deputies, kept by the provincial platform administrators on the root
domain. The NPC is not a tenant: its term has no congress (see models.Term)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from shared_apps.memberships.api_base import PlatformApiView
from shared_apps.memberships.decorators import require_access
from shared_apps.memberships.permissions import can_use_console
from shared_apps.registry import selectors, services
from shared_apps.registry.api import SeatEndInput, SeatRegisterInput, SeatSerializer
from shared_apps.registry.forms import SeatEndForm, SeatRegisterForm
from shared_apps.registry.models import Seat
from tenants.api import call_service
from tenants.forms import add_service_errors


@require_access(can_use_console)
def npc_roll(request):
    """The open NPC term's seats, a form to register a national deputy, and (without a term) one to open it."""
    term = selectors.term_current(None)
    form = SeatRegisterForm(request.POST or None)
    if request.method == "POST":
        try:
            if term is None:
                services.term_open(
                    access=request.access,
                    congress=None,
                    number=int(request.POST["number"]),
                    starts_on=request.POST["starts_on"],
                    tier="national",
                )
                return redirect("npc:roll")
            if form.is_valid():
                data = {k: v for k, v in form.cleaned_data.items() if k != "starts_on"}
                services.seat_register(
                    access=request.access, term=term, data=data, starts_on=form.cleaned_data["starts_on"]
                )
                messages.success(request, _("已登记。"))
                return redirect("npc:roll")
        except (ValidationError, ValueError, KeyError) as exc:
            if isinstance(exc, ValidationError):
                add_service_errors(form, exc)
            else:
                messages.error(request, _("请填写届次和开始日期。"))
    return render(
        request,
        "registry/npc_roll.html",
        {
            "term": term,
            "form": form,
            "end_form": SeatEndForm(),
            "seats": selectors.seat_list(term) if term else [],
        },
    )


@require_POST
@require_access(can_use_console)
def npc_seat_end(request, seat_id: int):
    seat = get_object_or_404(Seat, pk=seat_id, congress__isnull=True)
    form = SeatEndForm(request.POST)
    if form.is_valid():
        try:
            services.seat_end(access=request.access, seat=seat, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    return redirect("npc:roll")


class NationalSeatListApi(PlatformApiView):
    """National seats of the open NPC term; POST registers one (provincial platform administrators)."""

    @extend_schema(responses=SeatSerializer(many=True))
    def get(self, request):
        self.require(can_use_console(self.access))
        term = selectors.term_current(None)
        return Response(SeatSerializer(selectors.seat_list(term) if term else [], many=True).data)

    @extend_schema(request=SeatRegisterInput, responses={201: SeatSerializer})
    def post(self, request):
        self.require(can_use_console(self.access))
        term = selectors.term_current(None)
        data = SeatRegisterInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        starts_on = values.pop("starts_on")
        if term is None:
            return Response({"term": [_("全国人大没有进行中的届次。")]}, status=400)
        seat = call_service(services.seat_register, access=self.access, term=term, data=values, starts_on=starts_on)
        return Response(SeatSerializer(seat).data, status=201)


class NationalSeatEndApi(PlatformApiView):
    @extend_schema(request=SeatEndInput, responses=SeatSerializer)
    def post(self, request, seat_id: int):
        self.require(can_use_console(self.access))
        seat = get_object_or_404(Seat, pk=seat_id, congress__isnull=True)
        data = SeatEndInput(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(
            SeatSerializer(call_service(services.seat_end, access=self.access, seat=seat, **data.validated_data)).data
        )
