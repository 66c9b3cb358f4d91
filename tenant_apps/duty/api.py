"""REST API of the duty module, at /api/v1/duty/ on a congress host: every action of the pages. Visibility and
permissions are the pages' own (permissions.py); refusals are 400 by field, 401, 403 or 404."""

from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from shared_apps.ledger import selectors as ledgers
from shared_apps.ledger.kinds import label as kind_label
from shared_apps.memberships.api_base import CongressApiView
from shared_apps.registry.models import Deputy
from tenant_apps.duty import selectors, services, signin
from tenant_apps.duty.entries import ENTRY_KINDS
from tenant_apps.duty.models import ActivityStatus, EntryStatus, InvitationStatus, LedgerPrint, OpinionKind
from tenant_apps.duty.permissions import (
    can_edit_activity,
    can_manage_activities,
    can_see_activity,
    can_see_entry,
    viewer_for,
)
from tenants.api import call_service, validated
from tenants.params import int_param
from tenants.shortcuts import or_404

# -- serializers ---------------------------------------------------------------------------------------


class ActivitySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    kind_label = serializers.CharField()
    title = serializers.CharField()
    place = serializers.CharField()
    organiser = serializers.CharField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    status = serializers.ChoiceField(choices=ActivityStatus.choices)
    public = serializers.BooleanField()
    received_from = serializers.CharField(source="origin_name", help_text="the congress above that organised it")


class InvitationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    deputy = serializers.IntegerField(source="deputy_id")
    name = serializers.CharField(source="deputy.name")
    congress = serializers.CharField(source="seat_congress.name")
    status = serializers.ChoiceField(choices=InvitationStatus.choices)
    leave_reason = serializers.CharField()
    signed_in_at = serializers.DateTimeField(allow_null=True)
    signed_in_via = serializers.CharField()
    allowed_actions = serializers.ListField(child=serializers.CharField())


class DutyMyInvitationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=InvitationStatus.choices)
    leave_reason = serializers.CharField()
    allowed_actions = serializers.ListField(child=serializers.CharField())


class ActivityDetailSerializer(ActivitySerializer):
    description = serializers.CharField()
    minutes = serializers.CharField()
    allowed_actions = serializers.ListField(child=serializers.CharField())
    mine = DutyMyInvitationSerializer(allow_null=True)
    invitations = InvitationSerializer(many=True)


class ActivityInputSerializer(serializers.Serializer):
    kind = serializers.CharField(max_length=40, help_text="a code of the congress's duty.activity_kinds")
    title = serializers.CharField(max_length=200)
    place = serializers.CharField(max_length=200)
    organiser = serializers.CharField(max_length=100)
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    description = serializers.CharField(allow_blank=True, required=False)
    minutes = serializers.CharField(allow_blank=True, required=False)
    public = serializers.BooleanField(required=False)


class DutyActionInputSerializer(serializers.Serializer):
    action = serializers.CharField(max_length=32)
    note = serializers.CharField(allow_blank=True, required=False, max_length=2000, help_text="the reason of a no")


class DutyInviteInputSerializer(serializers.Serializer):
    deputies = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)
    delegations = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)
    groups = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)
    tiers = serializers.ListField(
        child=serializers.ChoiceField(choices=["province", "city", "county", "township"]), required=False, default=list
    )


class DutySignInInputSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=300)


class DutySignInCodeSerializer(serializers.Serializer):
    open = serializers.BooleanField()
    code = serializers.CharField()
    url = serializers.CharField()
    valid_seconds = serializers.IntegerField()


class DutyOpinionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=OpinionKind.choices)
    text = serializers.CharField()
    created_at = serializers.DateTimeField()


class DutyOpinionInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=OpinionKind.choices)
    text = serializers.CharField(max_length=2000)


class DutyFileSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    size = serializers.IntegerField()
    content_type = serializers.CharField()


class DutyFileInputSerializer(serializers.Serializer):
    file = serializers.FileField()


class DutyDeputyResultSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    congresses = serializers.ListField(child=serializers.CharField())


class EntrySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    deputy = serializers.IntegerField(source="deputy_id")
    name = serializers.CharField(source="deputy.name")
    kind = serializers.CharField()
    title = serializers.CharField()
    occurred_on = serializers.DateField()
    place = serializers.CharField()
    text = serializers.CharField()
    status = serializers.ChoiceField(choices=EntryStatus.choices)
    public = serializers.BooleanField()


class EntryDetailSerializer(EntrySerializer):
    allowed_actions = serializers.ListField(child=serializers.CharField())


class EntryInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=list(ENTRY_KINDS))
    title = serializers.CharField(max_length=200)
    occurred_on = serializers.DateField()
    place = serializers.CharField(max_length=200, allow_blank=True, required=False)
    text = serializers.CharField(max_length=5000, allow_blank=True, required=False)
    deputy = serializers.IntegerField(required=False, help_text="the office records a deputy's duty (confirmed)")
    public = serializers.BooleanField(required=False)


class EntryActionSerializer(DutyActionInputSerializer):
    public = serializers.BooleanField(required=False, help_text="confirm: shown to the public")
    kind = serializers.ChoiceField(choices=list(ENTRY_KINDS), required=False)
    title = serializers.CharField(max_length=200, required=False)
    occurred_on = serializers.DateField(required=False)
    place = serializers.CharField(max_length=200, allow_blank=True, required=False)
    text = serializers.CharField(max_length=5000, allow_blank=True, required=False)


class LedgerRecordSerializer(serializers.Serializer):
    occurred_on = serializers.DateField()
    congress = serializers.CharField()
    kind = serializers.CharField()
    kind_label = serializers.CharField()
    category = serializers.CharField()
    title = serializers.CharField()
    url = serializers.CharField()
    public = serializers.BooleanField()


class LedgerCountSerializer(serializers.Serializer):
    kind = serializers.CharField()
    name = serializers.CharField(source="label")
    group = serializers.CharField()
    count = serializers.IntegerField()


class LedgerSerializer(serializers.Serializer):
    deputy = serializers.IntegerField()
    name = serializers.CharField()
    year = serializers.IntegerField()
    complete = serializers.BooleanField(help_text="false: only what the congresses published")
    total = serializers.IntegerField()
    counts = LedgerCountSerializer(many=True)
    by_month = serializers.ListField(child=serializers.IntegerField())
    records = LedgerRecordSerializer(many=True)


class PrintSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    year = serializers.IntegerField()
    status = serializers.CharField()
    total = serializers.IntegerField()
    done = serializers.IntegerField()
    percent = serializers.IntegerField()
    error = serializers.CharField()


class PrintInputSerializer(serializers.Serializer):
    year = serializers.IntegerField()


# -- views ---------------------------------------------------------------------------------------------


class _DutyApi(CongressApiView):
    @property
    def who(self):
        if not hasattr(self, "_who"):
            self._who = viewer_for(self.access)
        return self._who

    def visible_activity(self, pk: int):
        activity = or_404(selectors.activity_get(pk))
        mine = selectors.invitation_of(activity, self.who.deputy_id)
        if not can_see_activity(self.who, activity, invited=mine is not None):
            raise Http404
        return activity

    def office_activity(self, pk: int):
        self.require(can_manage_activities(self.who))
        activity = or_404(selectors.activity_get(pk))
        self.require(can_edit_activity(self.who, activity))
        return activity

    def activity_payload(self, activity) -> dict:
        who = self.who
        office = can_manage_activities(who) and not activity.is_received
        mine = selectors.invitation_of(activity, who.deputy_id)
        invitations = []
        if office or who.access.is_member:
            for invitation in selectors.invitation_list(activity):
                invitation.activity = activity
                invitations.append(
                    {
                        "id": invitation.pk,
                        "deputy_id": invitation.deputy_id,
                        "deputy": invitation.deputy,
                        "seat_congress": invitation.seat_congress,
                        "status": invitation.status,
                        # A deputy's reason for leave is the office's business.
                        "leave_reason": invitation.leave_reason if office else "",
                        "signed_in_at": invitation.signed_in_at,
                        "signed_in_via": invitation.signed_in_via,
                        "allowed_actions": services.invitation_actions(who, invitation) if office else [],
                    }
                )
        fields = ("kind", "kind_label", "title", "place", "organiser", "starts_at", "ends_at", "status", "public")
        item = ActivityDetailSerializer(
            {
                **{f: getattr(activity, f) for f in fields},
                "description": activity.description,
                "minutes": activity.minutes,
                "id": activity.pk,
                "origin_name": activity.origin_name,
                "allowed_actions": services.activity_actions(who, activity) if office else [],
                "mine": None,
                "invitations": invitations,
            }
        ).data
        if mine is not None:
            mine.activity = activity
            item["mine"] = DutyMyInvitationSerializer(
                {
                    "id": mine.pk,
                    "status": mine.status,
                    "leave_reason": mine.leave_reason,
                    "allowed_actions": services.invitation_actions(who, mine),
                }
            ).data
        return item


class ActivityListApi(_DutyApi):
    """Activities as the caller may see them (`?status=`, `?year=`), or a new one (the office)."""

    @extend_schema(
        parameters=[OpenApiParameter("status", str), OpenApiParameter("year", int)],
        responses=ActivitySerializer(many=True),
    )
    def get(self, request):
        status_ = request.query_params.get("status", "")
        year = int_param(request.query_params.get("year"), low=2000, high=2100)
        rows = selectors.activity_list(self.who, status=status_ if status_ in ActivityStatus.values else "", year=year)
        return Response(ActivitySerializer(rows[:500], many=True).data)

    @extend_schema(request=ActivityInputSerializer, responses={201: ActivityDetailSerializer})
    def post(self, request):
        self.require(can_manage_activities(self.who))
        data = validated(ActivityInputSerializer, request)
        activity = call_service(services.activity_create, access=self.access, data=data)
        return Response(self.activity_payload(activity), status=status.HTTP_201_CREATED)


class ActivityDetailApi(_DutyApi):
    """One activity with the caller's own invitation and actions (the office: every invitation and its actions)."""

    @extend_schema(responses=ActivityDetailSerializer)
    def get(self, request, pk: int):
        return Response(self.activity_payload(self.visible_activity(pk)))

    @extend_schema(request=ActivityInputSerializer, responses=ActivityDetailSerializer)
    def patch(self, request, pk: int):
        activity = self.office_activity(pk)
        data = validated(ActivityInputSerializer, request, partial=True)
        activity = call_service(services.activity_update, access=self.access, activity=activity, data=data)
        return Response(self.activity_payload(activity))


class ActivityTransitionApi(_DutyApi):
    """publish, cancel (with a `note`), close."""

    @extend_schema(request=DutyActionInputSerializer, responses=ActivityDetailSerializer)
    def post(self, request, pk: int):
        activity = self.office_activity(pk)
        data = validated(DutyActionInputSerializer, request)
        activity = call_service(
            services.activity_transition,
            access=self.access,
            activity=activity,
            action=data["action"],
            data={"note": data.get("note", "")},
        )
        return Response(self.activity_payload(activity))


class InvitationListApi(_DutyApi):
    """The invitations (members of this congress), or invite more by deputy, delegation, group or tier (office)."""

    @extend_schema(responses=InvitationSerializer(many=True))
    def get(self, request, pk: int):
        activity = self.visible_activity(pk)
        self.require(self.who.access.is_member or can_manage_activities(self.who))
        return Response(self.activity_payload(activity)["invitations"])

    @extend_schema(request=DutyInviteInputSerializer, responses={201: ActivityDetailSerializer})
    def post(self, request, pk: int):
        activity = self.office_activity(pk)
        data = validated(DutyInviteInputSerializer, request)
        call_service(
            services.invite,
            access=self.access,
            activity=activity,
            deputy_ids=data["deputies"],
            delegation_ids=data["delegations"],
            group_ids=data["groups"],
            tiers=data["tiers"],
        )
        return Response(self.activity_payload(activity), status=status.HTTP_201_CREATED)


class InvitationDetailApi(_DutyApi):
    """Withdraw an invitation before the activity is published (office)."""

    @extend_schema(responses={204: None})
    def delete(self, request, pk: int, invitation_id: int):
        activity = self.office_activity(pk)
        invitation = or_404(selectors.invitation_get(activity, invitation_id))
        call_service(services.uninvite, access=self.access, activity=activity, invitation=invitation)
        return Response(status=status.HTTP_204_NO_CONTENT)


class InvitationTransitionApi(_DutyApi):
    """The invited deputy: attend, ask_leave (with a `note`). The office: grant_leave, refuse_leave (with a
    `note`), confirm_attendance, mark_absent."""

    @extend_schema(request=DutyActionInputSerializer, responses=ActivityDetailSerializer)
    def post(self, request, pk: int, invitation_id: int):
        activity = self.visible_activity(pk)
        invitation = or_404(selectors.invitation_get(activity, invitation_id))
        self.require(self.access.is_authenticated)
        data = validated(DutyActionInputSerializer, request)
        call_service(
            services.invitation_transition,
            access=self.access,
            invitation=invitation,
            action=data["action"],
            data={"note": data.get("note", "")},
        )
        return Response(self.activity_payload(activity))


class SignInApi(_DutyApi):
    """The signed-in deputy signs in with the code the activity's screen shows (within its time window)."""

    @extend_schema(request=DutySignInInputSerializer, responses=ActivityDetailSerializer)
    def post(self, request, pk: int):
        self.require(self.access.is_authenticated)
        activity = self.visible_activity(pk)
        data = validated(DutySignInInputSerializer, request)
        call_service(services.sign_in, access=self.access, activity=activity, code=data["code"])
        return Response(self.activity_payload(activity))


class SignInCodeApi(_DutyApi):
    """The activity's current sign-in code and address, for a screen (office); renewed every few seconds."""

    @extend_schema(responses=DutySignInCodeSerializer)
    def get(self, request, pk: int):
        activity = self.office_activity(pk)
        open_now = signin.is_open(activity)
        code = signin.code_for(activity) if open_now else ""
        url = signin.url_for(self.congress, activity, code) if open_now else ""
        return Response(
            DutySignInCodeSerializer(
                {"open": open_now, "code": code, "url": url, "valid_seconds": signin.CODE_SECONDS if open_now else 0}
            ).data
        )

    @extend_schema(request=None, responses=DutySignInCodeSerializer)
    def post(self, request, pk: int):
        """Renew the codes: every code shown so far stops working."""
        activity = call_service(services.renew_codes, access=self.access, activity=self.office_activity(pk))
        return self.get(request, activity.pk)


class OpinionListApi(_DutyApi):
    """Opinions gathered at the activity (members), or record one (office)."""

    @extend_schema(responses=DutyOpinionSerializer(many=True))
    def get(self, request, pk: int):
        activity = self.visible_activity(pk)
        self.require(self.who.access.is_member)
        return Response(DutyOpinionSerializer(selectors.opinions(activity), many=True).data)

    @extend_schema(request=DutyOpinionInputSerializer, responses={201: DutyOpinionSerializer})
    def post(self, request, pk: int):
        activity = self.office_activity(pk)
        data = validated(DutyOpinionInputSerializer, request)
        opinion = call_service(services.opinion_add, access=self.access, activity=activity, **data)
        return Response(DutyOpinionSerializer(opinion).data, status=status.HTTP_201_CREATED)


class DutySuggestionRefSerializer(serializers.Serializer):
    suggestion = serializers.IntegerField(help_text="the new draft's id in the suggestions module")


class OpinionSuggestionApi(_DutyApi):
    """A deputy of this congress takes up a gathered suggestion: a draft of theirs (the suggestions module)."""

    @extend_schema(request=None, responses={201: DutySuggestionRefSerializer})
    def post(self, request, pk: int, opinion_id: int):
        self.require(self.access.is_authenticated)
        activity = self.visible_activity(pk)
        opinion = or_404(activity.opinions.filter(pk=opinion_id).first())
        draft = call_service(services.opinion_to_suggestion, access=self.access, activity=activity, opinion=opinion)
        return Response(DutySuggestionRefSerializer({"suggestion": draft.pk}).data, status=status.HTTP_201_CREATED)


class ActivityFileListApi(_DutyApi):
    """Photos and documents of the activity, or upload one (office; multipart `file`)."""

    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(responses=DutyFileSerializer(many=True))
    def get(self, request, pk: int):
        activity = self.visible_activity(pk)
        return Response(DutyFileSerializer(selectors.files_of(activity=activity), many=True).data)

    @extend_schema(request={"multipart/form-data": DutyFileInputSerializer}, responses={201: DutyFileSerializer})
    def post(self, request, pk: int):
        activity = self.office_activity(pk)
        data = validated(DutyFileInputSerializer, request)
        stored = call_service(
            services.activity_file_add, access=self.access, activity=activity, uploaded_file=data["file"]
        )
        return Response(DutyFileSerializer(stored).data, status=status.HTTP_201_CREATED)


class DeputySearchApi(_DutyApi):
    """Deputies serving in this congress or below whose name contains `q` (office)."""

    @extend_schema(parameters=[OpenApiParameter("q", str)], responses=DutyDeputyResultSerializer(many=True))
    def get(self, request):
        self.require(can_manage_activities(self.who))
        return Response(
            DutyDeputyResultSerializer(
                selectors.deputy_search(self.congress, request.query_params.get("q", "")), many=True
            ).data
        )


class _EntryApi(_DutyApi):
    def entry_payload(self, entry) -> dict:
        entry = selectors.entry_get(entry.pk)
        entry.allowed_actions = services.entry_actions(self.who, entry)
        return EntryDetailSerializer(entry).data


class EntryListApi(_EntryApi):
    """Reported duties (the office: all; a deputy: their own), or report one (a deputy who sits here), or record
    one for a deputy (the office, with `deputy`: confirmed at once)."""

    @extend_schema(parameters=[OpenApiParameter("status", str)], responses=EntrySerializer(many=True))
    def get(self, request):
        self.require(self.who.is_office or self.who.deputy_id is not None)
        status_ = request.query_params.get("status", "")
        rows = selectors.entry_list(self.who, status=status_ if status_ in EntryStatus.values else "")
        return Response(EntrySerializer(rows[:500], many=True).data)

    @extend_schema(request=EntryInputSerializer, responses={201: EntryDetailSerializer})
    def post(self, request):
        self.require(self.access.is_authenticated)
        data = validated(EntryInputSerializer, request)
        deputy = data.pop("deputy", None)
        public = data.pop("public", None)
        if deputy is not None:
            entry = call_service(services.entry_record, access=self.access, deputy_id=deputy, data=data, public=public)
        else:
            entry = call_service(services.entry_report, access=self.access, data=data)
        return Response(self.entry_payload(entry), status=status.HTTP_201_CREATED)


class EntryFileApi(_EntryApi):
    """Add a photo or document to a reported duty (its deputy before it is confirmed, or the office; multipart)."""

    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(request={"multipart/form-data": DutyFileInputSerializer}, responses={201: DutyFileSerializer})
    def post(self, request, pk: int):
        self.require(self.access.is_authenticated)
        entry = or_404(selectors.entry_get(pk))
        if not can_see_entry(self.who, entry):
            raise Http404
        data = validated(DutyFileInputSerializer, request)
        stored = call_service(services.entry_file_add, access=self.access, entry=entry, uploaded_file=data["file"])
        return Response(DutyFileSerializer(stored).data, status=status.HTTP_201_CREATED)


class EntryDetailApi(_EntryApi):
    """One reported duty with the caller's actions (its deputy, the office)."""

    @extend_schema(responses=EntryDetailSerializer)
    def get(self, request, pk: int):
        entry = or_404(selectors.entry_get(pk))
        if not can_see_entry(self.who, entry):
            raise Http404
        return Response(self.entry_payload(entry))


class EntryTransitionApi(_EntryApi):
    """The office: confirm (`public`), return (with a `note`). The deputy: resubmit (with changed fields),
    withdraw."""

    @extend_schema(request=EntryActionSerializer, responses=EntryDetailSerializer)
    def post(self, request, pk: int):
        entry = or_404(selectors.entry_get(pk))
        if not can_see_entry(self.who, entry):
            self.require(self.access.is_authenticated)
            raise Http404
        data = validated(EntryActionSerializer, request)
        action = data.pop("action")
        entry = call_service(services.entry_transition, access=self.access, entry=entry, action=action, data=data)
        return Response(self.entry_payload(entry))


class LedgerApi(_DutyApi):
    """A deputy's ledger of `year` across every seat and tier: all of it for the deputy and the offices of the
    congresses where they sit, what was published for everyone else (on a host where the deputy sits)."""

    @extend_schema(parameters=[OpenApiParameter("year", int)], responses=LedgerSerializer)
    def get(self, request, deputy_id: int):
        deputy = or_404(Deputy.objects.filter(pk=deputy_id).first())
        congress_ids = ledgers.seat_congress_ids(deputy.pk)
        full = ledgers.can_view_full_ledger(self.access, deputy)
        if not full and self.congress.pk not in congress_ids:
            raise Http404
        year = int_param(request.query_params.get("year"), low=2000, high=timezone.localdate().year)
        data = ledgers.ledger(deputy, year or timezone.localdate().year, public_only=not full)
        records = [
            {
                "occurred_on": r.occurred_on,
                "congress": r.congress_name,
                "kind": r.kind,
                "kind_label": kind_label(r.kind),
                "category": r.category,
                "title": r.title,
                "url": r.url,
                "public": r.public,
            }
            for r in data.records
        ]
        return Response(
            LedgerSerializer(
                {
                    "deputy": deputy.pk,
                    "name": deputy.name,
                    "year": data.year,
                    "complete": full,
                    "total": data.total,
                    "counts": data.counts,
                    "by_month": data.by_month,
                    "records": records,
                }
            ).data
        )


class PrintListApi(_DutyApi):
    """The office's yearly prints of every ledger (one PDF each), or a new one for `year`."""

    @extend_schema(responses=PrintSerializer(many=True))
    def get(self, request):
        self.require(can_manage_activities(self.who))
        return Response(PrintSerializer(LedgerPrint.objects.all()[:50], many=True).data)

    @extend_schema(request=PrintInputSerializer, responses={202: PrintSerializer})
    def post(self, request):
        self.require(can_manage_activities(self.who))
        data = validated(PrintInputSerializer, request)
        job = call_service(services.print_request, access=self.access, year=data["year"])
        return Response(PrintSerializer(job).data, status=status.HTTP_202_ACCEPTED)


class PrintDetailApi(_DutyApi):
    """One print and its progress (office); its PDF at the page's download address once done."""

    @extend_schema(responses=PrintSerializer)
    def get(self, request, pk: int):
        self.require(can_manage_activities(self.who))
        return Response(PrintSerializer(or_404(LedgerPrint.objects.filter(pk=pk).first())).data)
