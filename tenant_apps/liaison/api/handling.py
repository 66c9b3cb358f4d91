"""REST API of the handlers' workspace and of the sender's rating. Every status change goes through ONE
endpoint, `POST messages/<id>/transition/` with `{"action": ..., ...}` (services.messages.message_transition).
Messages the caller may not see answer 404, as missing ones do."""

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import Throttled
from rest_framework.response import Response

from shared_apps.memberships.api_base import CongressApiView
from tenant_apps.liaison import abuse, selectors
from tenant_apps.liaison.models import MessageStatus, Rating
from tenant_apps.liaison.permissions import Handler, can_use_inbox, can_view_mobile, handler_for
from tenant_apps.liaison.services import messages as services
from tenant_apps.liaison.workflow import TRANSITIONS, allowed_actions, event_list
from tenants.addresses import client_address
from tenants.api import call_service
from tenants.files import private_file_response
from tenants.shortcuts import or_404


class InboxMessageSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    tracking_code = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    category = serializers.CharField()
    category_label = serializers.CharField()
    station = serializers.IntegerField(source="station_id", allow_null=True)
    station_name = serializers.CharField(source="station.name", default="")
    deputy = serializers.IntegerField(source="deputy_id", allow_null=True)
    deputy_name = serializers.CharField(source="deputy.name", default="")
    sender_name = serializers.CharField()
    mobile_masked = serializers.SerializerMethodField()
    is_anonymous = serializers.BooleanField()
    escalated_from = serializers.CharField(source="origin_congress.name", default="")
    created_at = serializers.DateTimeField()

    def get_mobile_masked(self, message) -> str:
        return "*******" + message.mobile_last4


class MessageEventSerializer(serializers.Serializer):
    action = serializers.CharField()
    action_label = serializers.CharField()
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    note = serializers.CharField()
    public_note = serializers.CharField()
    # The stubs see this field shadow Serializer.data; DRF's metaclass moves declared fields out of the class.
    data = serializers.JSONField()  # type: ignore[assignment]  # a field, not the Serializer.data property
    actor = serializers.IntegerField(source="actor_id", allow_null=True)
    created_at = serializers.DateTimeField()


class MessagePhotoSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()


class MessageEscalationSerializer(serializers.Serializer):
    target = serializers.CharField(source="transfer.target.name", default="")
    transfer_status = serializers.CharField(source="transfer.status", default="")
    matter_congress = serializers.CharField(source="matter.congress.name", default="")
    matter_status = serializers.CharField(source="matter.status", default="")
    answer_note = serializers.CharField(source="transfer.answer_note", default="")


class MessageOriginSerializer(serializers.Serializer):
    """An escalated message: the congress it came from and this congress's answer to its transfer."""

    # The stubs see this field shadow Field.source; DRF's metaclass moves declared fields out of the class.
    source = serializers.CharField(source="transfer.source.name", default="")  # type: ignore[assignment]  # a field
    transfer_status = serializers.CharField(source="transfer.status")
    answer_note = serializers.CharField(source="transfer.answer_note")


class InboxMessageDetailSerializer(InboxMessageSerializer):
    text = serializers.CharField()
    reply_text = serializers.CharField()
    replied_at = serializers.DateTimeField(allow_null=True)
    public_reply_text = serializers.CharField()
    public_approved_at = serializers.DateTimeField(allow_null=True)
    forwarded_unit = serializers.IntegerField(source="forwarded_unit_id", allow_null=True)
    suggestion = serializers.IntegerField(source="suggestion_id", allow_null=True)
    rating = serializers.CharField()
    rated_at = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)
    can_view_mobile = serializers.BooleanField()
    allowed_actions = serializers.ListField(child=serializers.CharField())
    photos = MessagePhotoSerializer(source="photo_rows", many=True)
    events = MessageEventSerializer(source="event_rows", many=True)
    escalation = MessageEscalationSerializer(allow_null=True)
    origin = MessageOriginSerializer(allow_null=True)


class MessageTransitionInputSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=sorted(TRANSITIONS))
    note = serializers.CharField(
        allow_blank=True, required=False, help_text="required to escalate, return, close, reopen"
    )
    reply_text = serializers.CharField(allow_blank=True, required=False, help_text="reply: the sender's answer")
    public_reply_text = serializers.CharField(
        allow_blank=True, required=False, help_text="reply: proposed public text; approve_public: the approved text"
    )
    unit = serializers.IntegerField(required=False, help_text="forward: an active handling unit of this congress")
    title = serializers.CharField(allow_blank=True, required=False, help_text="to_suggestion: the draft's title")


class MessageRateInputSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=16)
    mobile_last4 = serializers.CharField(max_length=4)
    rating = serializers.ChoiceField(choices=Rating.choices)


class _HandlingApi(CongressApiView):
    handler: Handler  # the caller as a handler here, read once per request

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.handler = handler_for(self.access)
        self.require(can_use_inbox(self.handler))

    def message_or_404(self, pk: int):
        return or_404(selectors.message_get_for_user(self.handler, pk))

    def labelled(self, messages):
        labels = selectors.category_labels(self.congress)
        for message in messages:
            message.category_label = labels.get(message.category, message.category)
        return messages

    def detail(self, pk: int, code: int = status.HTTP_200_OK) -> Response:
        """The message as the caller sees it, with the actions the caller may take now."""
        message = self.labelled([self.message_or_404(pk)])[0]
        message.can_view_mobile = can_view_mobile(self.handler, message)
        message.allowed_actions = allowed_actions(self.handler, message)
        message.photo_rows = list(message.photos.all())
        message.event_rows = event_list(message)
        message.escalation = selectors.escalation_info(message)
        message.origin = selectors.origin_info(message)
        return Response(InboxMessageDetailSerializer(message).data, status=code)


class MessageInboxApi(_HandlingApi):
    """The messages the caller may handle here (the office, deputies, station and unit staff), new first."""

    @extend_schema(
        parameters=[OpenApiParameter("status", str, enum=MessageStatus.values)],
        responses=InboxMessageSerializer(many=True),
    )
    def get(self, request):
        status_filter = request.query_params.get("status", "")
        messages = list(selectors.message_list(self.handler, status=status_filter)[:500])
        return Response(InboxMessageSerializer(self.labelled(messages), many=True).data)


class MessageHandleApi(_HandlingApi):
    """One message with its photos, history and the caller's allowed actions (the mobile masked)."""

    @extend_schema(responses=InboxMessageDetailSerializer)
    def get(self, request, pk: int):
        return self.detail(pk)


class MessageTransitionApi(_HandlingApi):
    """Take one action on the message; 400 for a wrong status or input, 403 for the wrong persona."""

    @extend_schema(request=MessageTransitionInputSerializer, responses=InboxMessageDetailSerializer)
    def post(self, request, pk: int):
        message = self.message_or_404(pk)
        data = MessageTransitionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        call_service(services.message_transition, access=self.handler, message=message, **data.validated_data)
        if selectors.message_get_for_user(self.handler, pk) is None:
            return Response(status=status.HTTP_204_NO_CONTENT)
        return self.detail(pk)


class MessageMobileApi(_HandlingApi):
    """The sender's full mobile number, on explicit request (the office or the message's deputy; logged)."""

    @extend_schema(request=None, responses=inline_serializer("SenderMobile", {"mobile": serializers.CharField()}))
    def post(self, request, pk: int):
        message = self.message_or_404(pk)
        mobile = call_service(services.message_mobile_reveal, access=self.handler, message=message)
        response = Response({"mobile": mobile})
        response["Cache-Control"] = "private, no-store"
        return response


class MessagePhotoApi(_HandlingApi):
    """One photo of a message, for whoever may see the message."""

    @extend_schema(responses={(200, "application/octet-stream"): bytes})
    def get(self, request, pk: int, photo_pk: int):
        photo = or_404(self.message_or_404(pk).photos.filter(pk=photo_pk).first())
        try:
            handle = photo.file.open("rb")
        except FileNotFoundError:
            raise Http404 from None
        return private_file_response(handle, content_type=photo.content_type)


class MessageRateApi(CongressApiView):
    """The sender rates the answer (no account): tracking code, the mobile's last four digits, the rating."""

    @extend_schema(
        request=MessageRateInputSerializer,
        responses=inline_serializer(
            "MessageRating", {"tracking_code": serializers.CharField(), "rating": serializers.CharField()}
        ),
    )
    def post(self, request):
        data = MessageRateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if not abuse.lookup_allowed(client_address(request._request)):
            raise Throttled(detail="操作过于频繁，请10分钟后再试。")
        message = call_service(services.message_rate, congress=self.congress, **data.validated_data)
        return Response({"tracking_code": message.tracking_code, "rating": message.rating})
