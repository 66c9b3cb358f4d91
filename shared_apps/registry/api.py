"""Registry API on congress hosts (the office's roll, invitations, seats, terms, claims) and the workspace."""

from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import Throttled, ValidationError
from rest_framework.response import Response

from shared_apps.memberships.api_base import CongressApiView, PlatformApiView
from shared_apps.registry import claims, selectors, services
from shared_apps.registry.models import Invitation, Seat, SeatStatus
from shared_apps.registry.permissions import can_manage_registry, can_read_rollup
from shared_apps.registry.workspace import desks_for, workspace_for
from tenants.addresses import client_address
from tenants.api import call_service


class TermSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.IntegerField()
    # DRF's metaclass moves declared fields off the class, so this does not replace Field.label.
    label = serializers.CharField(source="__str__")  # type: ignore[assignment]
    starts_on = serializers.DateField()
    ends_on = serializers.DateField(allow_null=True)
    status = serializers.CharField()


class SeatSerializer(serializers.ModelSerializer):
    """A seat with the deputy's identifiers MASKED (the roll never shows clear values)."""

    deputy_id = serializers.IntegerField()
    name = serializers.CharField(source="deputy.name")
    id_number = serializers.CharField(source="deputy.id_number_masked")
    mobile = serializers.CharField(source="deputy.mobile_masked")
    constituency = serializers.CharField(source="constituency.name", default=None)
    delegation = serializers.CharField(source="delegation.name", default=None, allow_null=True)
    has_account = serializers.SerializerMethodField()

    class Meta:
        model = Seat
        fields = [
            "id",
            "deputy_id",
            "name",
            "id_number",
            "mobile",
            "tier",
            "constituency",
            "delegation",
            "starts_on",
            "ends_on",
            "status",
            "has_account",
        ]

    def get_has_account(self, seat) -> bool:
        return seat.deputy.user_id is not None


class _RegistryStaffApi(CongressApiView):
    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.require(can_manage_registry(self.access, self.congress))


class SeatRegisterInput(serializers.Serializer):
    name = serializers.CharField(max_length=50)
    id_number = serializers.CharField(max_length=18)
    mobile = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    constituency = serializers.CharField(max_length=100)
    delegation = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    starts_on = serializers.DateField(required=False, allow_null=True, default=None)


class SeatListApi(_RegistryStaffApi):
    """Seats of the open term; POST registers one deputy with a seat in it (office staff and administrators)."""

    @extend_schema(responses=SeatSerializer(many=True))
    def get(self, request):
        term = selectors.term_current(self.congress)
        return Response(SeatSerializer(selectors.seat_list(term) if term else [], many=True).data)

    @extend_schema(request=SeatRegisterInput, responses={201: SeatSerializer})
    def post(self, request):
        term = selectors.term_current(self.congress)
        if term is None:
            raise ValidationError({"term": ["本级人大没有进行中的届次。"]})
        data = SeatRegisterInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        starts_on = values.pop("starts_on")
        seat = call_service(services.seat_register, access=self.access, term=term, data=values, starts_on=starts_on)
        return Response(SeatSerializer(seat).data, status=201)


class IdentitySerializer(serializers.Serializer):
    name = serializers.CharField()
    id_number = serializers.CharField(help_text="masked unless revealed")
    mobile = serializers.CharField(help_text="masked unless revealed")
    revealed = serializers.BooleanField()
    may_reveal = serializers.BooleanField()


class DeputyIdentityApi(_RegistryStaffApi):
    """A deputy's identifiers: masked by default; POST asks for the clear values (allowed roles; logged)."""

    @extend_schema(responses=IdentitySerializer)
    def get(self, request, deputy_id: int):
        deputy = selectors.deputy_get_for_congress(self.congress, deputy_id)
        return Response({"name": deputy.name, **selectors.identity_for(self.access, deputy, reveal=False)})

    @extend_schema(request=None, responses=IdentitySerializer)
    def post(self, request, deputy_id: int):
        deputy = selectors.deputy_get_for_congress(self.congress, deputy_id)
        identity = selectors.identity_for(self.access, deputy, reveal=True)
        # After identity_for, which reveals (and logs) nothing unless can_view_identity allows it.
        self.require(identity["revealed"])
        return Response({"name": deputy.name, **identity})


class InvitationInput(serializers.Serializer):
    channel = serializers.ChoiceField(choices=Invitation.Channel.choices)
    email = serializers.EmailField(required=False, allow_blank=True, default="")


class DeputyInviteApi(_RegistryStaffApi):
    @extend_schema(
        request=InvitationInput,
        responses={
            201: inline_serializer(
                "InvitationSent", {"id": serializers.IntegerField(), "expires_at": serializers.DateTimeField()}
            )
        },
    )
    def post(self, request, deputy_id: int):
        deputy = selectors.deputy_get_for_congress(self.congress, deputy_id)
        data = InvitationInput(data=request.data)
        data.is_valid(raise_exception=True)
        invitation = call_service(claims.invitation_send, access=self.access, deputy=deputy, **data.validated_data)
        return Response({"id": invitation.pk, "expires_at": invitation.expires_at}, status=201)


class SeatEndInput(serializers.Serializer):
    status = serializers.ChoiceField(choices=[v for v in SeatStatus.values if v != SeatStatus.SERVING])
    ends_on = serializers.DateField()


class SeatEndApi(_RegistryStaffApi):
    @extend_schema(request=SeatEndInput, responses=SeatSerializer)
    def post(self, request, seat_id: int):
        # SECURITY: this congress's seats only: another congress's seat id answers 404, as if it did not exist.
        seat = get_object_or_404(Seat, pk=seat_id, congress=self.congress)
        data = SeatEndInput(data=request.data)
        data.is_valid(raise_exception=True)
        seat = call_service(services.seat_end, access=self.access, seat=seat, **data.validated_data)
        return Response(SeatSerializer(seat).data)


class TermListApi(_RegistryStaffApi):
    @extend_schema(responses=TermSerializer(many=True))
    def get(self, request):
        return Response(TermSerializer(selectors.term_list(self.congress), many=True).data)


class TermCloseInput(serializers.Serializer):
    ends_on = serializers.DateField()
    next_number = serializers.IntegerField(min_value=1, max_value=99)


class TermCloseApi(_RegistryStaffApi):
    """换届: end the open term's seats, close it, open the next."""

    @extend_schema(request=TermCloseInput, responses=TermSerializer)
    def post(self, request):
        term = selectors.term_current(self.congress)
        self.require(term is not None)
        data = TermCloseInput(data=request.data)
        data.is_valid(raise_exception=True)
        new_term = call_service(
            services.term_close,
            access=self.access,
            term=term,
            ends_on=data.validated_data["ends_on"],
            next_number=data.validated_data["next_number"],
            next_starts_on=data.validated_data["ends_on"],
        )
        return Response(TermSerializer(new_term).data)


class ClaimInput(serializers.Serializer):
    token = serializers.CharField()
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    password = serializers.CharField(required=False, allow_blank=True, default="", trim_whitespace=False)


class ClaimApi(CongressApiView):
    """Claim a deputy account with the invitation token (public: the token is the credential)."""

    @extend_schema(
        request=ClaimInput,
        responses={
            201: inline_serializer("Claimed", {"email": serializers.EmailField()}),
            429: OpenApiResponse(description="Too many links that opened nothing from this address."),
        },
    )
    def post(self, request):
        data = ClaimInput(data=request.data)
        data.is_valid(raise_exception=True)
        _invitation, locked = claims.claim_lookup(data.validated_data["token"], client_address(request))
        if locked is not None:
            raise Throttled(wait=(locked - timezone.now()).total_seconds())
        user = call_service(claims.invitation_accept, current_user=request.user, **data.validated_data)
        return Response({"email": user.email}, status=201)


class WaitingGroupSerializer(serializers.Serializer):
    kind = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a declared field named like Field.label
    count = serializers.IntegerField()
    url = serializers.CharField()
    items = serializers.ListField(child=serializers.DictField(), help_text="the oldest items, each with its link")


class DeskSerializer(serializers.Serializer):
    congress = serializers.CharField()
    url = serializers.CharField()
    roles = serializers.ListField(child=serializers.CharField())
    waiting = WaitingGroupSerializer(many=True)


class WorkspaceSeatSerializer(serializers.Serializer):
    tier = serializers.CharField()
    term = serializers.CharField()
    constituency = serializers.CharField(allow_null=True)
    congress = serializers.CharField(allow_null=True)
    url = serializers.CharField(allow_null=True)
    waiting = serializers.IntegerField()
    suggest_url = serializers.CharField(allow_null=True)
    suggestions_waiting = serializers.IntegerField(allow_null=True)


class WorkspaceSerializer(serializers.Serializer):
    congresses = DeskSerializer(many=True)
    deputy = serializers.CharField(allow_null=True)
    seats = WorkspaceSeatSerializer(many=True)


class _Workspace:
    """The signed-in user's workspace: per congress their roles and what waits (named, linked); for a deputy,
    the seats at every tier with how many items wait in each congress."""

    @extend_schema(responses=WorkspaceSerializer)
    def get(self, request):
        self.require(self.access.is_authenticated)
        data = workspace_for(request.user) or {"deputy": None, "seats": []}
        return Response(
            {
                "congresses": [
                    {
                        "congress": desk.congress.name,
                        "url": desk.congress.url(),
                        "roles": [str(role) for role in desk.roles],
                        "waiting": [
                            {"kind": g.kind, "label": g.label, "count": g.count, "url": g.url, "items": g.items}
                            for g in desk.waiting
                        ],
                    }
                    for desk in desks_for(request.user)
                ],
                "deputy": data["deputy"].name if data["deputy"] else None,
                "seats": [
                    {
                        "tier": e["seat"].tier,
                        "term": str(e["term"]),
                        "constituency": getattr(e["seat"].constituency, "name", None),
                        "congress": e["congress"].name if e["congress"] else None,
                        "url": e["congress"].url() if e["congress"] else None,
                        "waiting": e["waiting"],
                        # Where this seat's deputy drafts a suggestion (None: the module is off there).
                        "suggest_url": e.get("suggest_url"),
                        "suggestions_waiting": e.get("suggestions_waiting"),
                    }
                    for e in data["seats"]
                ],
            }
        )


class PlatformWorkspaceApi(_Workspace, PlatformApiView):
    pass


class CongressWorkspaceApi(_Workspace, CongressApiView):
    pass


class RollupApi(CongressApiView):
    """Registry figures of the congresses below this one (read-only, for this congress's staff)."""

    @extend_schema(
        responses=inline_serializer(
            "RollupRow",
            {
                "division_code": serializers.CharField(),
                "name": serializers.CharField(),
                "tier": serializers.CharField(),
                "deputies": serializers.IntegerField(),
                "claimed": serializers.IntegerField(),
            },
            many=True,
        )
    )
    def get(self, request):
        self.require(can_read_rollup(self.access))
        return Response(
            [
                {
                    "division_code": r["congress"].division_code,
                    "name": r["congress"].name,
                    "tier": r["congress"].tier,
                    "deputies": r["deputies"],
                    "claimed": r["claimed"],
                }
                for r in selectors.rollup_for(self.congress)
            ]
        )
