"""REST API of the showcase, at /api/v1/showcase/ on a congress host: the stories and their steps, the deputies'
public pages. Visibility and permissions are the pages' own."""

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from shared_apps.ledger.kinds import label as kind_label
from shared_apps.memberships.api_base import CongressApiView
from tenant_apps.showcase import selectors, services
from tenant_apps.showcase.models import StoryStatus
from tenant_apps.showcase.permissions import can_manage_stories, can_see_story, viewer_for
from tenants.api import call_service, validated
from tenants.shortcuts import or_404


class ShowcaseNamedDeputySerializer(serializers.Serializer):
    deputy = serializers.IntegerField(source="deputy_id")
    name = serializers.CharField()
    agreed = serializers.BooleanField()


class StorySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    body = serializers.CharField()
    status = serializers.ChoiceField(choices=StoryStatus.choices)
    published_at = serializers.DateTimeField(allow_null=True)
    source_congress = serializers.CharField(source="source_name", help_text="the congress below it came from, if any")
    source_url = serializers.CharField()
    deputies = ShowcaseNamedDeputySerializer(many=True)
    photos = serializers.ListField(child=serializers.IntegerField())
    allowed_actions = serializers.ListField(child=serializers.CharField())


class StoryInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    body = serializers.CharField(max_length=20000)
    deputies = serializers.ListField(child=serializers.IntegerField(), help_text="registry deputy ids")


class ShowcaseActionInputSerializer(serializers.Serializer):
    action = serializers.CharField(max_length=32)
    note = serializers.CharField(allow_blank=True, required=False, max_length=2000)


class ShowcasePhotoInputSerializer(serializers.Serializer):
    file = serializers.FileField()


class ShowcaseDeputyCardSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class ShowcaseDutySerializer(serializers.Serializer):
    occurred_on = serializers.DateField()
    kind = serializers.CharField()
    kind_label = serializers.CharField()
    category = serializers.CharField()
    title = serializers.CharField()
    congress = serializers.CharField(source="congress_name")


class ShowcaseReportRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    round = serializers.CharField()
    title = serializers.CharField()
    satisfied = serializers.IntegerField(allow_null=True)
    basically_satisfied = serializers.IntegerField(allow_null=True)
    unsatisfied = serializers.IntegerField(allow_null=True)


class ShowcaseSuggestionRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.IntegerField(allow_null=True)
    title = serializers.CharField()


class ShowcaseStationRefSerializer(serializers.Serializer):
    code = serializers.CharField(source="station.code")
    name = serializers.CharField(source="station.name")
    duty_note = serializers.CharField()


class ShowcaseDeputyPageSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    work_unit = serializers.CharField()
    biography = serializers.CharField()
    constituency = serializers.CharField(allow_blank=True)
    stations = ShowcaseStationRefSerializer(many=True)
    duties = ShowcaseDutySerializer(many=True)
    suggestions = ShowcaseSuggestionRefSerializer(many=True)
    reports = ShowcaseReportRefSerializer(many=True)
    stories = serializers.ListField(child=serializers.IntegerField())


class _ShowcaseApi(CongressApiView):
    @property
    def who(self):
        if not hasattr(self, "_who"):
            self._who = viewer_for(self.access)
        return self._who

    def payload(self, story) -> dict:
        story = selectors.story_get(story.pk)
        return StorySerializer(
            {
                "id": story.pk,
                "title": story.title,
                "body": story.body,
                "status": story.status,
                "published_at": story.published_at,
                "source_name": story.source_name,
                "source_url": story.source_url,
                "deputies": [
                    {"deputy_id": d.deputy_id, "name": d.name, "agreed": d.agreed_at is not None}
                    for d in story.deputies.all()
                ],
                "photos": [p.pk for p in story.photos.all()],
                "allowed_actions": services.story_actions(self.who, story),
            }
        ).data

    def visible(self, pk: int):
        story = or_404(selectors.story_get(pk))
        if not can_see_story(self.who, story):
            raise Http404
        return story


class StoryListApi(_ShowcaseApi):
    """The stories the caller may see (public: the published and featured), or a new draft (the office)."""

    @extend_schema(responses=StorySerializer(many=True))
    def get(self, request):
        return Response([self.payload(s) for s in selectors.story_list(self.who)[:100]])

    @extend_schema(request=StoryInputSerializer, responses={201: StorySerializer})
    def post(self, request):
        self.require(can_manage_stories(self.who))
        data = validated(StoryInputSerializer, request)
        story = call_service(services.story_create, access=self.access, data=data)
        return Response(self.payload(story), status=status.HTTP_201_CREATED)


class StoryDetailApi(_ShowcaseApi):
    @extend_schema(responses=StorySerializer)
    def get(self, request, pk: int):
        return Response(self.payload(self.visible(pk)))

    @extend_schema(request=StoryInputSerializer, responses=StorySerializer)
    def patch(self, request, pk: int):
        self.require(can_manage_stories(self.who))
        story = or_404(selectors.story_get(pk))
        data = validated(StoryInputSerializer, request, partial=True)
        return Response(self.payload(call_service(services.story_update, access=self.access, story=story, data=data)))


class StoryTransitionApi(_ShowcaseApi):
    """The office: send_for_review, publish, withdraw (with a `note`), feature, decline (with a `note`). A deputy
    the story names: agree, ask_changes (with a `note`)."""

    @extend_schema(request=ShowcaseActionInputSerializer, responses=StorySerializer)
    def post(self, request, pk: int):
        self.require(self.access.is_authenticated)
        story = self.visible(pk)
        data = validated(ShowcaseActionInputSerializer, request)
        story = call_service(
            services.story_transition,
            access=self.access,
            story=story,
            action=data["action"],
            data={"note": data.get("note", "")},
        )
        return Response(self.payload(story))


class StoryPhotoApi(_ShowcaseApi):
    """Upload a photo to a draft or a story in review (the office; multipart `file`)."""

    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(request={"multipart/form-data": ShowcasePhotoInputSerializer}, responses={201: StorySerializer})
    def post(self, request, pk: int):
        self.require(can_manage_stories(self.who))
        story = or_404(selectors.story_get(pk))
        data = validated(ShowcasePhotoInputSerializer, request)
        call_service(services.photo_add, access=self.access, story=story, uploaded_file=data["file"])
        return Response(self.payload(story), status=status.HTTP_201_CREATED)


class DeputyListApi(_ShowcaseApi):
    """The deputies serving in this congress (public)."""

    @extend_schema(responses=ShowcaseDeputyCardSerializer(many=True))
    def get(self, request):
        return Response(ShowcaseDeputyCardSerializer(selectors.deputies_here(self.congress)[:2000], many=True).data)


class DeputyPageApi(_ShowcaseApi):
    """A deputy's public page here: profile, constituency, stations, this year's published duties, published
    suggestions led here, duty reports with their published results, stories."""

    @extend_schema(responses=ShowcaseDeputyPageSerializer)
    def get(self, request, deputy_id: int):
        congress = self.congress
        found = or_404(selectors.deputy_here(congress, deputy_id))
        seat = next((s for s in found.public_seats if s.congress_id == congress.pk), None)
        duties = [{**r._asdict(), "kind_label": kind_label(r.kind)} for r in selectors.published_duties(found).records]
        reports = []
        if "reports" in congress.enabled_modules:
            from tenant_apps.reports.selectors import public_reports_of

            reports = public_reports_of(deputy_id)
        return Response(
            ShowcaseDeputyPageSerializer(
                {
                    "id": found.pk,
                    "name": found.name,
                    "work_unit": found.work_unit,
                    "biography": found.biography,
                    "constituency": seat.constituency.name if seat and seat.constituency else "",
                    "stations": selectors.stations_of(congress, deputy_id),
                    "duties": duties,
                    "suggestions": selectors.suggestions_of(congress, deputy_id),
                    "reports": reports,
                    "stories": [s.pk for s in selectors.story_list(self.who, deputy_id=deputy_id)[:50]],
                }
            ).data
        )
