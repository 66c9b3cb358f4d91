"""REST API of special committees, key suggestions and B/C commitments: the same services as the pages.
Items and commitments the caller may not see answer 404, as missing ones do."""

from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from shared_apps.memberships.api_base import CongressApiView
from tenant_apps.suggestions import commitments as commits
from tenant_apps.suggestions import key_items
from tenant_apps.suggestions.api import SuggestionApiBase
from tenant_apps.suggestions.models import CommitmentStatus
from tenants.api import call_service, validated
from tenants.shortcuts import or_404

# -- serializers ---------------------------------------------------------------------------------------


class CommitteeMemberSerializer(serializers.Serializer):
    user = serializers.IntegerField(source="user_id")
    name = serializers.CharField(source="user.name")
    email = serializers.EmailField(source="user.email")


class CommitteeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    is_active = serializers.BooleanField()
    members = CommitteeMemberSerializer(source="members.all", many=True)


class CommitteeInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    is_active = serializers.BooleanField(required=False, default=True)


class CommitteeUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100, required=False)
    is_active = serializers.BooleanField(required=False)


class CommitteeMemberInputSerializer(serializers.Serializer):
    email = serializers.CharField(help_text="the account's email; it must hold a role in this congress")


class KeyItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.IntegerField(allow_null=True)
    title = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    committee = serializers.IntegerField(source="key_committee_id")
    committee_name = serializers.CharField(source="key_committee.name")
    key_marked_at = serializers.DateTimeField(allow_null=True)
    lead_unit_name = serializers.CharField(allow_null=True)
    reply_due = serializers.DateField(allow_null=True)
    is_overdue = serializers.BooleanField()


class KeyMarkInputSerializer(serializers.Serializer):
    committee = serializers.IntegerField()
    decided_on = serializers.DateField(help_text="the date of the chairpersons' meeting (主任会议)")
    note = serializers.CharField(allow_blank=True, required=False)


class KeyUnmarkInputSerializer(serializers.Serializer):
    note = serializers.CharField(allow_blank=True, required=False)


class KeyFollowUpInputSerializer(serializers.Serializer):
    text = serializers.CharField()


class CommitmentTextInputSerializer(serializers.Serializer):
    text = serializers.CharField()


class KeyStateSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    is_key = serializers.BooleanField()
    committee = serializers.IntegerField(source="key_committee_id", allow_null=True)
    key_marked_at = serializers.DateTimeField(allow_null=True)


class KeyFollowUpSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField(source="note")
    actor = serializers.IntegerField(source="actor_id", allow_null=True)
    created_at = serializers.DateTimeField()


class CommitmentUpdateSerializer(serializers.Serializer):
    text = serializers.CharField()
    solved = serializers.BooleanField()
    created_by = serializers.IntegerField(source="created_by_id")
    created_at = serializers.DateTimeField()


class CommitmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    suggestion = serializers.IntegerField(source="suggestion_id")
    suggestion_number = serializers.IntegerField(source="suggestion.number", allow_null=True)
    suggestion_title = serializers.CharField(source="suggestion.title")
    unit = serializers.IntegerField(source="unit_id")
    unit_name = serializers.CharField(source="unit.name")
    result_category = serializers.CharField()
    reply_round = serializers.IntegerField()
    text = serializers.CharField()
    year = serializers.IntegerField()
    status = serializers.CharField()
    solved_at = serializers.DateTimeField(allow_null=True)
    carried_over = serializers.BooleanField(help_text="made in an earlier year than the one listed")
    updates = CommitmentUpdateSerializer(source="updates.all", many=True)


# -- committees ----------------------------------------------------------------------------------------


class _CommitteeApi(CongressApiView):
    def committee_or_404(self, pk: int):
        self.require(key_items.can_view_committees(self.access))
        return or_404(key_items.committee_get_for_user(self.access, pk))

    def committee_response(self, pk: int, status_code: int = status.HTTP_200_OK) -> Response:
        return Response(CommitteeSerializer(self.committee_or_404(pk)).data, status=status_code)


class CommitteeListApi(_CommitteeApi):
    """The special committees with their members (GET: the office); create one (POST: administrators)."""

    @extend_schema(responses=CommitteeSerializer(many=True))
    def get(self, request):
        self.require(key_items.can_view_committees(self.access))
        return Response(CommitteeSerializer(key_items.committee_list(self.access), many=True).data)

    @extend_schema(request=CommitteeInputSerializer, responses={201: CommitteeSerializer})
    def post(self, request):
        self.require(key_items.can_manage_committees(self.access))
        data = validated(CommitteeInputSerializer, request)
        committee = call_service(key_items.committee_create, access=self.access, **data)
        return self.committee_response(committee.pk, status.HTTP_201_CREATED)


class CommitteeDetailApi(_CommitteeApi):
    """One committee (GET: the office); rename or (de)activate it (PATCH: administrators)."""

    @extend_schema(responses=CommitteeSerializer)
    def get(self, request, pk: int):
        return self.committee_response(pk)

    @extend_schema(request=CommitteeUpdateSerializer, responses=CommitteeSerializer)
    def patch(self, request, pk: int):
        self.require(key_items.can_manage_committees(self.access))
        committee = self.committee_or_404(pk)
        data = validated(CommitteeUpdateSerializer, request)
        call_service(key_items.committee_update, access=self.access, committee=committee, **data)
        return self.committee_response(pk)


class CommitteeMemberAddApi(_CommitteeApi):
    """Add an account of this congress to the committee (administrators)."""

    @extend_schema(request=CommitteeMemberInputSerializer, responses={201: CommitteeSerializer})
    def post(self, request, pk: int):
        self.require(key_items.can_manage_committees(self.access))
        committee = self.committee_or_404(pk)
        data = validated(CommitteeMemberInputSerializer, request)
        call_service(key_items.committee_member_add, access=self.access, committee=committee, email=data["email"])
        return self.committee_response(pk, status.HTTP_201_CREATED)


class CommitteeMemberRemoveApi(_CommitteeApi):
    """Take an account off the committee (administrators)."""

    @extend_schema(request=None, responses=CommitteeSerializer)
    def delete(self, request, pk: int, user_id: int):
        self.require(key_items.can_manage_committees(self.access))
        committee = self.committee_or_404(pk)
        call_service(key_items.committee_member_remove, access=self.access, committee=committee, user_id=user_id)
        return self.committee_response(pk)


# -- key suggestions -----------------------------------------------------------------------------------


class KeyItemListApi(CongressApiView):
    """The key suggestions the caller follows: all for the office, their committees' for committee members."""

    @extend_schema(
        parameters=[OpenApiParameter("committee", int), OpenApiParameter("status", str)],
        responses=KeyItemSerializer(many=True),
    )
    def get(self, request):
        self.require(key_items.can_view_key_items(self.access))
        items = key_items.key_item_list(
            self.access,
            committee_id=request.query_params.get("committee"),
            status=request.query_params.get("status", ""),
        )
        return Response(KeyItemSerializer(items, many=True).data)


class _KeyItemApi(SuggestionApiBase):
    """An item's key-suggestion endpoints (item_or_404 as for every item endpoint)."""


class KeyMarkApi(_KeyItemApi):
    """Record the chairpersons' meeting's decision that the item is a key suggestion (the office)."""

    @extend_schema(request=KeyMarkInputSerializer, responses=KeyStateSerializer)
    def post(self, request, pk: int):
        item = self.item_or_404(pk)
        data = validated(KeyMarkInputSerializer, request)
        item = call_service(
            key_items.suggestion_mark_key,
            access=self.access,
            suggestion=item,
            committee_id=data["committee"],
            decided_on=data["decided_on"],
            note=data.get("note", ""),
        )
        return Response(KeyStateSerializer(item).data)


class KeyUnmarkApi(_KeyItemApi):
    """Take the key mark off the item (the office)."""

    @extend_schema(request=KeyUnmarkInputSerializer, responses=KeyStateSerializer)
    def post(self, request, pk: int):
        item = self.item_or_404(pk)
        data = validated(KeyUnmarkInputSerializer, request)
        item = call_service(key_items.suggestion_unmark_key, access=self.access, suggestion=item, **data)
        return Response(KeyStateSerializer(item).data)


class KeyFollowUpApi(_KeyItemApi):
    """The supervision notes on a key item (GET) and a new one (POST): its committee's members and the office."""

    def followable_or_404(self, pk: int):
        item = self.item_or_404(pk)
        if not key_items.can_follow_up(self.access, item):
            raise Http404
        return item

    @extend_schema(responses=KeyFollowUpSerializer(many=True))
    def get(self, request, pk: int):
        item = self.followable_or_404(pk)
        return Response(KeyFollowUpSerializer(key_items.followup_list(item), many=True).data)

    @extend_schema(request=KeyFollowUpInputSerializer, responses={201: KeyFollowUpSerializer})
    def post(self, request, pk: int):
        item = self.item_or_404(pk)
        data = validated(KeyFollowUpInputSerializer, request)
        event = call_service(key_items.key_followup_add, access=self.access, suggestion=item, text=data["text"])
        return Response(KeyFollowUpSerializer(event).data, status=status.HTTP_201_CREATED)


# -- commitments ---------------------------------------------------------------------------------------


class CommitmentListQuerySerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=commits.FIRST_YEAR, max_value=commits.LAST_YEAR, required=False)
    status = serializers.ChoiceField(choices=CommitmentStatus.choices, required=False)
    unit = serializers.IntegerField(required=False)


class CommitmentListApi(CongressApiView):
    """The commitments of a year (default this year) and the open ones carried over from earlier years:
    all for the office, their units' for unit staff, those on their items for deputies."""

    @extend_schema(parameters=[CommitmentListQuerySerializer], responses=CommitmentSerializer(many=True))
    def get(self, request):
        self.require(commits.can_view_commitments(self.access))
        query = CommitmentListQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        rows = commits.commitment_list(
            self.access,
            params.get("year", timezone.localdate().year),
            status=params.get("status", ""),
            unit_id=params.get("unit"),
        )
        return Response(CommitmentSerializer(rows, many=True).data)


class _CommitmentActionApi(CongressApiView):
    service = staticmethod(commits.commitment_update)

    @extend_schema(request=CommitmentTextInputSerializer, responses={201: CommitmentUpdateSerializer})
    def post(self, request, pk: int):
        self.require(commits.can_view_commitments(self.access))
        commitment = commits.commitment_get_for_user(self.access, pk)
        if commitment is None:
            raise Http404
        data = validated(CommitmentTextInputSerializer, request)
        update = call_service(self.service, access=self.access, commitment=commitment, text=data["text"])
        return Response(CommitmentUpdateSerializer(update).data, status=status.HTTP_201_CREATED)


class CommitmentProgressApi(_CommitmentActionApi):
    """Report progress on an open commitment (staff of the unit that made it)."""

    service = staticmethod(commits.commitment_update)


class CommitmentSolveApi(_CommitmentActionApi):
    """Confirm an open commitment solved, with a note (the office)."""

    service = staticmethod(commits.commitment_solve)


class CommitmentReopenApi(_CommitmentActionApi):
    """Reopen a commitment confirmed solved, with the reason (the office)."""

    service = staticmethod(commits.commitment_reopen)
