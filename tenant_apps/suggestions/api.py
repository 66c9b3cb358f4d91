"""REST API of motions and suggestions. Every status change goes through ONE endpoint,
`POST <id>/transition/` with `{"action": ..., ...}`, which calls services.suggestion_transition.
Items the caller may not see answer 404, as missing ones do."""

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.response import Response

from shared_apps.memberships.api_base import CongressApiView
from shared_apps.memberships.models import Role
from tenant_apps.suggestions import inbox, selectors, services
from tenant_apps.suggestions.models import AssignmentRole, ContactKind, Kind, RaisedDuring, Status
from tenant_apps.suggestions.permissions import can_create_draft, can_view_suggestions, deputy_id_of, is_office
from tenant_apps.suggestions.workflow import TRANSITIONS, allowed_actions
from tenants.api import call_service, validated
from tenants.shortcuts import or_404

# -- serializers ---------------------------------------------------------------------------------------


class CoSignerSerializer(serializers.Serializer):
    deputy = serializers.IntegerField(source="deputy_id")
    name = serializers.CharField(source="deputy.name")
    confirmed_at = serializers.DateTimeField(allow_null=True)


class AssignmentSerializer(serializers.Serializer):
    unit = serializers.IntegerField(source="unit_id")
    name = serializers.CharField(source="unit.name")
    role = serializers.CharField()


class EventSerializer(serializers.Serializer):
    action = serializers.CharField()
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    note = serializers.CharField()
    # Not an override of Serializer.data: DRF's serializer metaclass moves declared fields into _declared_fields.
    data = serializers.JSONField()  # type: ignore[assignment]  # the stubs take it for a class attribute
    actor = serializers.IntegerField(source="actor_id", allow_null=True)
    created_at = serializers.DateTimeField()


@extend_schema_serializer(component_name="SuggestionContact")
class ContactSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    unit = serializers.IntegerField(source="unit_id")
    unit_name = serializers.CharField(source="unit.name")
    kind = serializers.CharField()
    happened_on = serializers.DateField()
    form = serializers.CharField()
    summary = serializers.CharField()
    created_at = serializers.DateTimeField()


class JointOpinionSerializer(serializers.Serializer):
    unit = serializers.IntegerField(source="unit_id")
    unit_name = serializers.CharField(source="unit.name")
    text = serializers.CharField()
    due = serializers.DateField()
    is_late = serializers.BooleanField()
    submitted_at = serializers.DateTimeField()


class ExtensionSerializer(serializers.Serializer):
    months = serializers.IntegerField()
    reason = serializers.CharField()
    requested_at = serializers.DateTimeField()
    approved = serializers.BooleanField(allow_null=True, help_text="null: awaiting the office's decision")
    decided_at = serializers.DateTimeField(allow_null=True)
    reply_due_before = serializers.DateField(allow_null=True)
    reply_due_after = serializers.DateField(allow_null=True)


class SuggestionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    number = serializers.IntegerField(allow_null=True)
    title = serializers.CharField()
    category = serializers.CharField()
    raised_during = serializers.CharField()
    lead_deputy = serializers.IntegerField(source="lead_deputy_id")
    lead_deputy_name = serializers.CharField(source="lead_deputy.name")
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    submitted_at = serializers.DateTimeField(allow_null=True)
    assigned_at = serializers.DateTimeField(allow_null=True)
    reply_due = serializers.DateField(allow_null=True)
    replied_at = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)


class SuggestionDetailSerializer(SuggestionSerializer):
    body = serializers.CharField()
    result_category = serializers.CharField()
    reply_public_text = serializers.CharField()
    merged_into = serializers.IntegerField(source="merged_into_id", allow_null=True)
    confidentiality = serializers.CharField()
    is_key = serializers.BooleanField()
    key_committee = serializers.IntegerField(source="key_committee_id", allow_null=True)
    published_at = serializers.DateTimeField(allow_null=True)
    cosigners = CoSignerSerializer(source="cosigner_rows", many=True)
    assignments = AssignmentSerializer(source="assignment_rows", many=True)
    allowed_actions = serializers.ListField(child=serializers.CharField())
    events = EventSerializer(source="event_rows", many=True, allow_null=True, help_text="office only")
    meeting_held = serializers.BooleanField(help_text="a unit logged a face-to-face meeting (面商)")
    warnings = serializers.ListField(child=serializers.CharField(), help_text="e.g. no meeting before the reply")
    contacts = ContactSerializer(
        source="contact_rows", many=True, allow_null=True, help_text="office, the item's deputies, its units"
    )
    joint_opinions = JointOpinionSerializer(source="opinion_rows", many=True, allow_null=True)
    extension = ExtensionSerializer(source="extension_row", allow_null=True)


class DraftInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Kind.choices, required=False)
    title = serializers.CharField(max_length=200)
    body = serializers.CharField()
    category = serializers.CharField(max_length=100, allow_blank=True, required=False)
    raised_during = serializers.ChoiceField(choices=RaisedDuring.choices, required=False)
    lead_deputy = serializers.IntegerField(required=False, help_text="delegation staff: the deputy they act for")


class CoSignerInputSerializer(serializers.Serializer):
    deputy = serializers.IntegerField()


@extend_schema_serializer(component_name="AssignmentUnitInput")
class UnitInputSerializer(serializers.Serializer):
    unit = serializers.IntegerField()
    role = serializers.ChoiceField(choices=AssignmentRole.choices)


class TransitionInputSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=sorted(TRANSITIONS))
    note = serializers.CharField(allow_blank=True, required=False)
    all_cosigners_agree = serializers.BooleanField(required=False, help_text="withdraw: every co-signer agreed")
    into = serializers.IntegerField(required=False, help_text="merge: the accepted item to merge into")
    units = UnitInputSerializer(many=True, required=False, help_text="assign: exactly one lead unit")
    result_category = serializers.CharField(required=False, help_text="reply: a code of categories.result")
    reply_public_text = serializers.CharField(required=False, allow_blank=True)
    commitment_text = serializers.CharField(
        required=False, allow_blank=True, help_text="reply in a commitment category (B, C): what the unit promises"
    )
    attitude = serializers.CharField(required=False, help_text="evaluate: a code of categories.evaluation")
    result = serializers.CharField(required=False, help_text="evaluate: a code of categories.evaluation")
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=1000,
        help_text="evaluate: why, required unless both ratings are the top of the scale (满意)",
    )


class ContactInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ContactKind.choices)
    happened_on = serializers.DateField()
    form = serializers.CharField(allow_blank=True, required=False, help_text="required for a meeting (面商)")
    summary = serializers.CharField()
    unit = serializers.IntegerField(required=False, help_text="when the caller staffs several assigned units")


class JointOpinionInputSerializer(serializers.Serializer):
    text = serializers.CharField()
    unit = serializers.IntegerField(required=False, help_text="when the caller staffs several joint units")


class ExtensionRequestInputSerializer(serializers.Serializer):
    months = serializers.IntegerField()
    reason = serializers.CharField()


class ExtensionDecisionInputSerializer(serializers.Serializer):
    approved = serializers.BooleanField()
    note = serializers.CharField(allow_blank=True, required=False)


class SuggestionApiBase(CongressApiView):
    """The base of the module's API views (items, attachments, committees, publication): an item the caller
    may see, or 404 alike for a missing one and for one they may not see."""

    def item_or_404(self, pk: int):
        self.require(can_view_suggestions(self.access))
        return or_404(selectors.suggestion_get_for_user(self.access, pk))

    def item_response(self, pk: int, status_code: int = status.HTTP_200_OK) -> Response:
        """The item as the caller sees it, with the actions the caller may take now."""
        item = self.item_or_404(pk)
        item.cosigner_rows = list(item.cosigners.select_related("deputy"))
        item.assignment_rows = list(item.assignments.select_related("unit"))
        item.allowed_actions = allowed_actions(self.access, item)
        item.event_rows = list(selectors.event_list(item)) if is_office(self.access) else None
        handling = selectors.handling_get_for_user(self.access, item) or {}
        item.contact_rows = handling.get("contacts")
        item.opinion_rows = handling.get("joint_opinions")
        item.extension_row = handling.get("extension")
        item.meeting_held = selectors.meeting_held(item)
        item.warnings = selectors.handling_warnings(item)
        return Response(SuggestionDetailSerializer(item).data, status=status_code)


class SuggestionListApi(SuggestionApiBase):
    """The items the caller may see (office, deputies, unit and delegation staff), or a new draft."""

    @extend_schema(
        parameters=[
            OpenApiParameter("status", str, enum=Status.values),
            OpenApiParameter("awaiting", str, enum=["me"], description="the items waiting for the calling deputy"),
        ],
        responses=SuggestionSerializer(many=True),
    )
    def get(self, request):
        self.require(can_view_suggestions(self.access))
        if request.query_params.get("awaiting") == "me":
            deputy_id = deputy_id_of(request.user) if Role.DEPUTY in self.access.roles else None
            return Response(SuggestionSerializer(inbox.awaiting(deputy_id), many=True).data)
        items = selectors.suggestion_list(self.access, status=request.query_params.get("status", ""))
        return Response(SuggestionSerializer(items, many=True).data)

    @extend_schema(request=DraftInputSerializer, responses={201: SuggestionDetailSerializer})
    def post(self, request):
        self.require(can_create_draft(self.access))
        data = validated(DraftInputSerializer, request)
        lead = data.pop("lead_deputy", None)
        item = call_service(services.suggestion_draft_create, access=self.access, data=data, lead_deputy_id=lead)
        return self.item_response(item.pk, status.HTTP_201_CREATED)


class SuggestionDetailApi(SuggestionApiBase):
    """One item with its co-signers, units, allowed actions (and history, for the office); change a draft."""

    @extend_schema(responses=SuggestionDetailSerializer)
    def get(self, request, pk: int):
        return self.item_response(pk)

    @extend_schema(request=DraftInputSerializer, responses=SuggestionDetailSerializer)
    def patch(self, request, pk: int):
        item = self.item_or_404(pk)
        data = validated(DraftInputSerializer, request, partial=True)
        data.pop("lead_deputy", None)
        call_service(services.suggestion_draft_update, access=self.access, suggestion=item, data=data)
        return self.item_response(pk)


class CoSignerAddApi(SuggestionApiBase):
    """Name a co-signer on a draft (the lead deputy)."""

    @extend_schema(request=CoSignerInputSerializer, responses={201: SuggestionDetailSerializer})
    def post(self, request, pk: int):
        item = self.item_or_404(pk)
        data = validated(CoSignerInputSerializer, request)
        call_service(services.cosigner_add, access=self.access, suggestion=item, deputy_id=data["deputy"])
        return self.item_response(pk, status.HTTP_201_CREATED)


class CoSignerConfirmApi(SuggestionApiBase):
    """Confirm one's own co-signature (the co-signer)."""

    @extend_schema(request=None, responses=SuggestionDetailSerializer)
    def post(self, request, pk: int):
        item = self.item_or_404(pk)
        call_service(services.cosigner_confirm, access=self.access, suggestion=item)
        return self.item_response(pk)


class SuggestionTransitionApi(SuggestionApiBase):
    """Take one workflow action on the item; 400 for a wrong status or input, 403 for the wrong persona."""

    @extend_schema(request=TransitionInputSerializer, responses=SuggestionDetailSerializer)
    def post(self, request, pk: int):
        item = self.item_or_404(pk)
        data = validated(TransitionInputSerializer, request)
        if "units" in data:
            data["units"] = [dict(u) for u in data["units"]]
        call_service(services.suggestion_transition, access=self.access, suggestion=item, **data)
        return self.item_response(pk)


class ContactLogApi(SuggestionApiBase):
    """Log contact with the deputies, a face-to-face meeting (面商) included (staff of an assigned unit)."""

    @extend_schema(request=ContactInputSerializer, responses={201: SuggestionDetailSerializer})
    def post(self, request, pk: int):
        item = self.item_or_404(pk)
        data = validated(ContactInputSerializer, request)
        call_service(services.contact_log, access=self.access, suggestion=item, data=data)
        return self.item_response(pk, status.HTTP_201_CREATED)


class JointOpinionSubmitApi(SuggestionApiBase):
    """Send a joint unit's opinion to the lead unit (staff of a joint unit; once per unit)."""

    @extend_schema(request=JointOpinionInputSerializer, responses={201: SuggestionDetailSerializer})
    def post(self, request, pk: int):
        item = self.item_or_404(pk)
        data = validated(JointOpinionInputSerializer, request)
        call_service(
            services.joint_opinion_submit,
            access=self.access,
            suggestion=item,
            text=data["text"],
            unit_id=data.get("unit"),
        )
        return self.item_response(pk, status.HTTP_201_CREATED)


class ExtensionRequestApi(SuggestionApiBase):
    """Ask the office to extend the reply deadline (staff of the lead unit; once per item)."""

    @extend_schema(request=ExtensionRequestInputSerializer, responses={201: SuggestionDetailSerializer})
    def post(self, request, pk: int):
        item = self.item_or_404(pk)
        data = validated(ExtensionRequestInputSerializer, request)
        call_service(services.extension_request, access=self.access, suggestion=item, **data)
        return self.item_response(pk, status.HTTP_201_CREATED)


class ExtensionDecideApi(SuggestionApiBase):
    """Approve or refuse the item's pending extension (the office)."""

    @extend_schema(request=ExtensionDecisionInputSerializer, responses=SuggestionDetailSerializer)
    def post(self, request, pk: int):
        item = self.item_or_404(pk)
        data = validated(ExtensionDecisionInputSerializer, request)
        call_service(services.extension_decide, access=self.access, suggestion=item, **data)
        return self.item_response(pk)
