"""API: sending a message (anonymous, multipart for photos, with the challenge when a limit asks for it) and the
staff's review of held messages. The tracking endpoint is in tracker.py (it is served on every host)."""

import math

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.fields import empty
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from shared_apps.memberships.api_base import CongressApiView
from shared_apps.registry.models import Deputy
from tenant_apps.liaison import abuse, selectors
from tenant_apps.liaison.models import Station
from tenant_apps.liaison.permissions import Handler, can_view_held_list, handler_for
from tenant_apps.liaison.services import submission
from tenants.addresses import client_address
from tenants.api import call_service
from tenants.parsers import BoundedJSONParser
from tenants.shortcuts import or_404


class _Flag(serializers.BooleanField):
    # An absent checkbox in a multipart form means "not given" here (the default applies), not False.
    default_empty_html = empty


class MessageInputSerializer(serializers.Serializer):
    # Only the shape: the service checks the values, with the same messages as the page.
    station = serializers.CharField(required=False, allow_blank=True, help_text="the station's code (or deputy)")
    deputy = serializers.IntegerField(required=False, allow_null=True, help_text="a deputy's id (or station)")
    category = serializers.CharField(required=False, allow_blank=True)
    text = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    sender_name = serializers.CharField(required=False, allow_blank=True)
    mobile = serializers.CharField(required=False, allow_blank=True)
    is_anonymous = _Flag(required=False, default=True)
    challenge_token = serializers.CharField(required=False, allow_blank=True)
    challenge_answer = serializers.CharField(required=False, allow_blank=True)


class MessageInputDocSerializer(MessageInputSerializer):
    photos = serializers.ListField(child=serializers.FileField(), required=False, help_text="up to 4 images")


class MessageSentSerializer(serializers.Serializer):
    tracking_code = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")


ChallengeSerializer = inline_serializer(
    "MessageChallenge",
    {
        "detail": serializers.CharField(),
        "challenge": inline_serializer(
            "MessageChallengeQuestion", {"question": serializers.CharField(), "token": serializers.CharField()}
        ),
        "retry_after": serializers.DateTimeField(required=False),
    },
)


class HeldMessageSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    tracking_code = serializers.CharField()
    created_at = serializers.DateTimeField()
    station = serializers.CharField(source="station.name", default="")
    deputy = serializers.IntegerField(source="deputy_id", allow_null=True)
    category = serializers.CharField()
    text = serializers.CharField()
    sender_name = serializers.CharField()
    mobile_last4 = serializers.CharField()
    held_reason = serializers.CharField()
    status = serializers.CharField()


class DiscardInputSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True)


def _target(data: dict) -> tuple[Station | None, Deputy | None, dict]:
    """The station (by code) or deputy (by id) named in the input, or the field's error."""
    station = deputy = None
    if data.get("station"):
        station = selectors.station_by_code(data["station"])
        if station is None:
            return None, None, {"station": [_("联络站不存在。")]}
    if data.get("deputy") is not None:
        deputy = Deputy.objects.filter(pk=data["deputy"]).first()
        if deputy is None:
            return None, None, {"deputy": [_("代表不存在。")]}
    return station, deputy, {}


class MessageSubmitApi(CongressApiView):
    """Anyone, without an account: send a message to a station (`station`: its code) or a deputy (`deputy`: id).
    Over a rate limit the answer is 429 with a challenge: send the same again with `challenge_token` and
    `challenge_answer`. Past a hard cap, 429 with the reason and `retry_after`."""

    parser_classes = [MultiPartParser, FormParser, BoundedJSONParser]

    @extend_schema(
        request={"multipart/form-data": MessageInputDocSerializer, "application/json": MessageInputSerializer},
        responses={
            201: MessageSentSerializer,
            400: OpenApiResponse(description="errors by field; nothing was saved"),
            429: ChallengeSerializer,
        },
    )
    def post(self, request):
        data = MessageInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        station, deputy, errors = _target(values)
        if errors:
            return Response(errors, status=status.HTTP_400_BAD_REQUEST)
        try:
            message = submission.message_submit(
                congress=self.congress,
                station=station,
                deputy=deputy,
                data=values,
                photos=request.FILES.getlist("photos"),
                client_address=client_address(request._request),
            )
        except abuse.ChallengeRequired as exc:
            body = {"detail": exc.reason, "challenge": {"question": exc.question, "token": exc.token}}
            return Response(body, status=status.HTTP_429_TOO_MANY_REQUESTS)
        except abuse.RateLimited as exc:
            seconds = max(1, math.ceil((exc.retry_at - timezone.now()).total_seconds()))
            return Response(
                {"detail": exc.reason, "retry_after": exc.retry_at},
                status=status.HTTP_429_TOO_MANY_REQUESTS,
                headers={"Retry-After": str(seconds)},
            )
        except DjangoValidationError as exc:
            return Response(exc.message_dict, status=status.HTTP_400_BAD_REQUEST)
        return Response(MessageSentSerializer(message).data, status=status.HTTP_201_CREATED)


class _HeldApi(CongressApiView):
    handler: Handler  # the caller as a reviewer here, read once per request

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.handler = handler_for(self.access)
        self.require(can_view_held_list(self.handler))

    def held_or_404(self, pk):
        return or_404(selectors.held_message_get_for_user(self.handler, pk))


class HeldMessageListApi(_HeldApi):
    """Held messages (待审核) the caller may review: the office all, a station's staff their station's."""

    @extend_schema(responses=HeldMessageSerializer(many=True))
    def get(self, request):
        return Response(HeldMessageSerializer(selectors.held_message_list(self.handler), many=True).data)


class HeldMessageReleaseApi(_HeldApi):
    """Release a held message: it becomes new and reaches the people who handle it."""

    @extend_schema(request=None, responses=HeldMessageSerializer)
    def post(self, request, pk: int):
        message = call_service(submission.message_release, access=self.handler, message=self.held_or_404(pk))
        return Response(HeldMessageSerializer(message).data)


class HeldMessageDiscardApi(_HeldApi):
    """Discard a held message (不予受理) with the reason the sender will read."""

    @extend_schema(request=DiscardInputSerializer, responses=HeldMessageSerializer)
    def post(self, request, pk: int):
        data = DiscardInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        message = call_service(
            submission.message_discard,
            access=self.handler,
            message=self.held_or_404(pk),
            reason=data.validated_data.get("reason", ""),
        )
        return Response(HeldMessageSerializer(message).data)
