"""REST API of online duty reports, at /api/v1/reports/ on a congress host: every action of the pages, the public's
scoring included (two calls: a code to the mobile, then the score with it)."""

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from shared_apps.memberships.api_base import CongressApiView
from tenant_apps.liaison.abuse import ChallengeRequired
from tenant_apps.reports import records, scoring, selectors, services
from tenant_apps.reports.models import CommentStatus, Rating, ReportStatus, RoundStatus, ScoreStatus
from tenant_apps.reports.permissions import can_manage_rounds, viewer_for
from tenants.addresses import client_address
from tenants.api import call_service, validated
from tenants.shortcuts import or_404


class ReportsCountsSerializer(serializers.Serializer):
    satisfied = serializers.IntegerField()
    basically_satisfied = serializers.IntegerField()
    unsatisfied = serializers.IntegerField()


class ReportSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    round = serializers.IntegerField(source="round_id")
    deputy = serializers.IntegerField(source="deputy_id")
    name = serializers.CharField(source="deputy.name")
    constituency = serializers.CharField()
    title = serializers.CharField()
    text = serializers.CharField()
    also_in_person = serializers.BooleanField()
    status = serializers.ChoiceField(choices=ReportStatus.choices)
    published_at = serializers.DateTimeField(allow_null=True)
    results = ReportsCountsSerializer(allow_null=True, help_text="null until the round closes (office) or is published")
    allowed_actions = serializers.ListField(child=serializers.CharField())


class RoundSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    description = serializers.CharField()
    opens_at = serializers.DateTimeField()
    closes_at = serializers.DateTimeField()
    status = serializers.ChoiceField(choices=RoundStatus.choices)


class RoundDetailSerializer(RoundSerializer):
    allowed_actions = serializers.ListField(child=serializers.CharField())
    reports = ReportSerializer(many=True)


class RoundInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(allow_blank=True, required=False)
    opens_at = serializers.DateTimeField()
    closes_at = serializers.DateTimeField()


class ReportersInputSerializer(serializers.Serializer):
    deputies = serializers.ListField(child=serializers.IntegerField())
    constituency = serializers.CharField(max_length=100, allow_blank=True, required=False)


class ReportsActionInputSerializer(serializers.Serializer):
    action = serializers.CharField(max_length=32)
    note = serializers.CharField(allow_blank=True, required=False, max_length=2000)


class ReportInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200, allow_blank=True, required=False)
    text = serializers.CharField(max_length=20000, allow_blank=True, required=False)
    also_in_person = serializers.BooleanField(required=False)


class ReportsFileInputSerializer(serializers.Serializer):
    file = serializers.FileField()


class ReportsCodeInputSerializer(serializers.Serializer):
    mobile = serializers.CharField(max_length=20)
    challenge_token = serializers.CharField(max_length=500, allow_blank=True, required=False)
    challenge_answer = serializers.CharField(max_length=10, allow_blank=True, required=False)


class ReportsCodeSentSerializer(serializers.Serializer):
    sent = serializers.BooleanField()
    valid_seconds = serializers.IntegerField()


class ScoreInputSerializer(serializers.Serializer):
    mobile = serializers.CharField(max_length=20)
    code = serializers.CharField(max_length=6)
    rating = serializers.ChoiceField(choices=Rating.choices)
    comment = serializers.CharField(max_length=500, allow_blank=True, required=False)


class ScoreReceivedSerializer(serializers.Serializer):
    received = serializers.BooleanField()
    comment_pending = serializers.BooleanField()


class ScoreSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    rating = serializers.ChoiceField(choices=Rating.choices)
    comment = serializers.CharField()
    mobile_last4 = serializers.CharField()
    status = serializers.ChoiceField(choices=ScoreStatus.choices)
    comment_status = serializers.ChoiceField(choices=CommentStatus.choices)
    created_at = serializers.DateTimeField()
    allowed_actions = serializers.ListField(child=serializers.CharField())


class _ReportsApi(CongressApiView):
    @property
    def who(self):
        if not hasattr(self, "_who"):
            self._who = viewer_for(self.access)
        return self._who

    def report_payload(self, report, counts=None) -> dict:
        report.results = counts
        report.allowed_actions = services.report_actions(self.who, report)
        return ReportSerializer(report).data

    def round_payload(self, round_) -> dict:
        reports = selectors.reports_of(self.who, round_)
        counts = records.results([r.pk for r in reports]) if selectors.results_visible(self.who, round_) else {}
        data = RoundSerializer(round_).data
        data["allowed_actions"] = services.round_actions(self.who, round_) if can_manage_rounds(self.who) else []
        data["reports"] = [self.report_payload(r, counts.get(r.pk)) for r in reports]
        return data

    def visible_round(self, pk: int):
        round_ = or_404(selectors.round_get(pk))
        if not selectors.can_see_round(self.who, round_):
            raise Http404
        return round_

    def visible_report(self, pk: int):
        report = or_404(selectors.report_get(pk))
        if not selectors.can_see_report(self.who, report):
            raise Http404
        return report


class RoundListApi(_ReportsApi):
    """Reporting rounds (the public: those open or done), or a new one (the office)."""

    @extend_schema(responses=RoundSerializer(many=True))
    def get(self, request):
        return Response(RoundSerializer(selectors.round_list(self.who)[:100], many=True).data)

    @extend_schema(request=RoundInputSerializer, responses={201: RoundDetailSerializer})
    def post(self, request):
        self.require(can_manage_rounds(self.who))
        data = validated(RoundInputSerializer, request)
        return Response(
            self.round_payload(call_service(services.round_create, access=self.access, data=data)),
            status=status.HTTP_201_CREATED,
        )


class RoundDetailApi(_ReportsApi):
    @extend_schema(responses=RoundDetailSerializer)
    def get(self, request, pk: int):
        return Response(self.round_payload(self.visible_round(pk)))

    @extend_schema(request=RoundInputSerializer, responses=RoundDetailSerializer)
    def patch(self, request, pk: int):
        self.require(can_manage_rounds(self.who))
        round_ = or_404(selectors.round_get(pk))
        data = validated(RoundInputSerializer, request, partial=True)
        return Response(
            self.round_payload(call_service(services.round_update, access=self.access, round_=round_, data=data))
        )


class RoundTransitionApi(_ReportsApi):
    """open, close, publish_results (the office)."""

    @extend_schema(request=ReportsActionInputSerializer, responses=RoundDetailSerializer)
    def post(self, request, pk: int):
        self.require(can_manage_rounds(self.who))
        round_ = or_404(selectors.round_get(pk))
        data = validated(ReportsActionInputSerializer, request)
        round_ = call_service(
            services.round_transition,
            access=self.access,
            round_=round_,
            action=data["action"],
            data={"note": data.get("note", "")},
        )
        return Response(self.round_payload(round_))


class ReportersApi(_ReportsApi):
    """Who reports in the round (the office, before it opens)."""

    @extend_schema(request=ReportersInputSerializer, responses={201: RoundDetailSerializer})
    def post(self, request, pk: int):
        self.require(can_manage_rounds(self.who))
        round_ = or_404(selectors.round_get(pk))
        data = validated(ReportersInputSerializer, request)
        call_service(
            services.reporters_add,
            access=self.access,
            round_=round_,
            deputy_ids=data["deputies"],
            constituency=data.get("constituency", ""),
        )
        return Response(self.round_payload(round_), status=status.HTTP_201_CREATED)


class ReportDetailApi(_ReportsApi):
    """A report (public once published in an open round), or write it (the deputy, or the office for them)."""

    @extend_schema(responses=ReportSerializer)
    def get(self, request, pk: int):
        report = self.visible_report(pk)
        counts = records.results([report.pk])[report.pk] if selectors.results_visible(self.who, report.round) else None
        return Response(self.report_payload(report, counts))

    @extend_schema(request=ReportInputSerializer, responses=ReportSerializer)
    def patch(self, request, pk: int):
        self.require(self.access.is_authenticated)
        report = self.visible_report(pk)
        data = validated(ReportInputSerializer, request, partial=True)
        return Response(
            self.report_payload(call_service(services.report_edit, access=self.access, report=report, data=data))
        )


class ReportTransitionApi(_ReportsApi):
    """publish (the deputy or the office), return (the office, with a `note`)."""

    @extend_schema(request=ReportsActionInputSerializer, responses=ReportSerializer)
    def post(self, request, pk: int):
        self.require(self.access.is_authenticated)
        report = self.visible_report(pk)
        data = validated(ReportsActionInputSerializer, request)
        report = call_service(
            services.report_transition,
            access=self.access,
            report=report,
            action=data["action"],
            data={"note": data.get("note", "")},
        )
        return Response(self.report_payload(report))


class ReportFileApi(_ReportsApi):
    """Attach a file to a report not yet published (multipart `file`)."""

    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(request={"multipart/form-data": ReportsFileInputSerializer}, responses={201: ReportSerializer})
    def post(self, request, pk: int):
        self.require(self.access.is_authenticated)
        report = self.visible_report(pk)
        data = validated(ReportsFileInputSerializer, request)
        call_service(services.report_file_add, access=self.access, report=report, uploaded_file=data["file"])
        return Response(self.report_payload(report), status=status.HTTP_201_CREATED)


def _challenge(exc: ChallengeRequired):
    return ApiValidationError(
        {"challenge_answer": [exc.reason], "challenge_question": [exc.question], "challenge_token": [exc.token]}
    )


def _send_code(**kwargs) -> None:
    try:
        scoring.code_send(**kwargs)
    except ChallengeRequired as exc:  # before call_service turns it into a plain field error
        raise _challenge(exc) from None


class ScoreCodeApi(_ReportsApi):
    """The public asks for a code to score a report: sent by SMS to `mobile`. Over a soft limit the answer is 400
    with `challenge_question` and `challenge_token`: call again with `challenge_answer`."""

    @extend_schema(request=ReportsCodeInputSerializer, responses=ReportsCodeSentSerializer)
    def post(self, request, pk: int):
        report = self.visible_report(pk)
        data = validated(ReportsCodeInputSerializer, request)
        call_service(
            _send_code,
            access=self.access,
            report=report,
            mobile=data["mobile"],
            address=client_address(request._request),
            challenge_token=data.get("challenge_token", ""),
            challenge_answer=data.get("challenge_answer", ""),
        )
        return Response(ReportsCodeSentSerializer({"sent": True, "valid_seconds": scoring.CODE_SECONDS}).data)


class ScoreListApi(_ReportsApi):
    """The office's list of a report's scores (to moderate), or the public's score with the code it received."""

    @extend_schema(responses=ScoreSerializer(many=True))
    def get(self, request, pk: int):
        self.require(can_manage_rounds(self.who))
        report = self.visible_report(pk)
        rows = []
        for item in report.scores.order_by("created_at", "id")[:1000]:
            item.allowed_actions = services.score_actions(self.who, item)
            rows.append(item)
        return Response(ScoreSerializer(rows, many=True).data)

    @extend_schema(request=ScoreInputSerializer, responses={201: ScoreReceivedSerializer})
    def post(self, request, pk: int):
        report = self.visible_report(pk)
        data = validated(ScoreInputSerializer, request)
        created = call_service(
            scoring.score_submit,
            access=self.access,
            report=report,
            mobile=data["mobile"],
            code=data["code"],
            rating=data["rating"],
            comment=data.get("comment", ""),
            address=client_address(request._request),
        )
        body = {"received": True, "comment_pending": created.comment_status == CommentStatus.PENDING}
        return Response(ScoreReceivedSerializer(body).data, status=status.HTTP_201_CREATED)


class ScoreTransitionApi(_ReportsApi):
    """The office: release or discard (with a `note`) a held score; approve or reject (with a `note`) a comment."""

    @extend_schema(request=ReportsActionInputSerializer, responses=ScoreSerializer)
    def post(self, request, pk: int, score_id: int):
        self.require(can_manage_rounds(self.who))
        report = self.visible_report(pk)
        found = or_404(report.scores.filter(pk=score_id).first())
        data = validated(ReportsActionInputSerializer, request)
        found = call_service(
            services.score_transition,
            access=self.access,
            score=found,
            action=data["action"],
            data={"note": data.get("note", "")},
        )
        found.allowed_actions = services.score_actions(self.who, found)
        return Response(ScoreSerializer(found).data)
