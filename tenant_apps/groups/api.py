"""REST API of deputy groups and studios: anyone reads; office staff and administrators write."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from shared_apps.memberships.api_base import CongressApiView
from tenant_apps.groups import selectors, services
from tenant_apps.groups.models import StudioKind
from tenant_apps.groups.permissions import can_manage_groups
from tenants.api import call_service, validated
from tenants.shortcuts import or_404

# -- serializers ---------------------------------------------------------------------------------------


class DeputyRefSerializer(serializers.Serializer):
    """A deputy as the public sees them here: the registry id and the name, nothing else."""

    id = serializers.IntegerField()
    name = serializers.CharField()


class MemberSerializer(serializers.Serializer):
    deputy = serializers.IntegerField(source="deputy_id")
    name = serializers.CharField(source="deputy.name")
    tiers = serializers.ListField(child=serializers.CharField())
    joined_on = serializers.DateField()


class GroupSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    area_or_field = serializers.CharField()
    description = serializers.CharField()
    leader = DeputyRefSerializer(allow_null=True)
    member_count = serializers.IntegerField()
    is_mine = serializers.BooleanField()
    warnings = serializers.ListField(child=serializers.CharField())


class GroupDetailSerializer(GroupSerializer):
    members = MemberSerializer(many=True)


class GroupInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    area_or_field = serializers.CharField(max_length=200, allow_blank=True, required=False)
    description = serializers.CharField(allow_blank=True, required=False)
    leader = serializers.IntegerField(allow_null=True, required=False, help_text="registry deputy id")


class MemberInputSerializer(serializers.Serializer):
    deputy = serializers.IntegerField(help_text="registry deputy id (serving at any tier)")
    joined_on = serializers.DateField(required=False, allow_null=True)


class DutySerializer(serializers.Serializer):
    deputy = serializers.IntegerField(source="deputy_id")
    name = serializers.CharField(source="deputy.name", read_only=True)
    weekday_or_date = serializers.CharField(max_length=60)


class DutyRosterSerializer(serializers.Serializer):
    duties = DutySerializer(many=True)


class StudioSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    kind_label = serializers.CharField(source="get_kind_display")
    name = serializers.CharField()
    address = serializers.CharField()
    opening_days = serializers.CharField()
    contact_phone = serializers.CharField()
    description = serializers.CharField()


class StudioDetailSerializer(StudioSerializer):
    duties = DutySerializer(many=True)


class StudioInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=StudioKind.choices, required=False)
    name = serializers.CharField(max_length=100)
    address = serializers.CharField(max_length=200, allow_blank=True, required=False)
    opening_days = serializers.CharField(max_length=200, allow_blank=True, required=False)
    contact_phone = serializers.CharField(max_length=40, allow_blank=True, required=False)
    description = serializers.CharField(allow_blank=True, required=False)


class DeputySearchResultSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    tiers = serializers.ListField(child=serializers.CharField())
    congresses = serializers.ListField(child=serializers.CharField(), source="congress_names")


# -- payloads ------------------------------------------------------------------------------------------


def _group_payload(group, mine: set[int], *, detail: bool = False) -> dict:
    """A group as the API shows it; `mine` is the caller's own group ids (a deputy's groups are marked)."""
    item = {
        "id": group.pk,
        "name": group.name,
        "area_or_field": group.area_or_field,
        "description": group.description,
        "leader": {"id": group.leader.pk, "name": group.leader.name} if group.leader else None,
        "member_count": group.member_count,
        "is_mine": group.pk in mine,
        "warnings": selectors.group_warnings(group.member_count),
    }
    if not detail:
        return GroupSerializer(item).data
    item["members"] = selectors.member_list(group)
    return GroupDetailSerializer(item).data


def _studio_payload(studio) -> dict:
    """A studio with its duty roster."""
    data = StudioSerializer(studio).data
    data["duties"] = DutySerializer(selectors.duty_list(studio), many=True).data
    return data


class _GroupsApi(CongressApiView):
    """Shared helpers of the views below."""

    def mine(self) -> set[int]:
        return selectors.group_ids_of(selectors.viewer_deputy_id(self.request.user))

    def group_response(self, pk: int, status_code: int = status.HTTP_200_OK) -> Response:
        return Response(_group_payload(or_404(selectors.group_get(pk)), self.mine(), detail=True), status=status_code)


# -- groups --------------------------------------------------------------------------------------------


class GroupListApi(_GroupsApi):
    """This congress's deputy groups (public), or a new one (office staff and administrators)."""

    @extend_schema(responses=GroupSerializer(many=True))
    def get(self, request):
        mine = self.mine()
        return Response([_group_payload(g, mine) for g in selectors.group_list()])

    @extend_schema(request=GroupInputSerializer, responses={201: GroupDetailSerializer})
    def post(self, request):
        self.require(can_manage_groups(self.access))
        data = validated(GroupInputSerializer, request)
        group = call_service(services.group_create, access=self.access, data=data)
        return self.group_response(group.pk, status.HTTP_201_CREATED)


class GroupDetailApi(_GroupsApi):
    """One group with its members' names and tiers (public); change or delete it (office staff)."""

    @extend_schema(responses=GroupDetailSerializer)
    def get(self, request, pk: int):
        return self.group_response(pk)

    @extend_schema(request=GroupInputSerializer, responses=GroupDetailSerializer)
    def patch(self, request, pk: int):
        self.require(can_manage_groups(self.access))
        group = or_404(selectors.group_get(pk))
        data = validated(GroupInputSerializer, request, partial=True)
        call_service(services.group_update, access=self.access, group=group, data=data)
        return self.group_response(pk)

    @extend_schema(responses={204: None})
    def delete(self, request, pk: int):
        self.require(can_manage_groups(self.access))
        call_service(services.group_delete, access=self.access, group=or_404(selectors.group_get(pk)))
        return Response(status=status.HTTP_204_NO_CONTENT)


class MemberListApi(_GroupsApi):
    """A group's members (public), or add one: any registry deputy with a serving seat at any tier."""

    @extend_schema(responses=MemberSerializer(many=True))
    def get(self, request, pk: int):
        return Response(MemberSerializer(selectors.member_list(or_404(selectors.group_get(pk))), many=True).data)

    @extend_schema(request=MemberInputSerializer, responses={201: GroupDetailSerializer})
    def post(self, request, pk: int):
        self.require(can_manage_groups(self.access))
        group = or_404(selectors.group_get(pk))
        data = validated(MemberInputSerializer, request)
        call_service(
            services.member_add,
            access=self.access,
            group=group,
            deputy_id=data["deputy"],
            joined_on=data.get("joined_on"),
        )
        return self.group_response(pk, status.HTTP_201_CREATED)


class MemberDetailApi(_GroupsApi):
    """Remove a deputy from a group (office staff); answers with the group, and its warnings."""

    @extend_schema(responses=GroupDetailSerializer)
    def delete(self, request, pk: int, deputy_id: int):
        self.require(can_manage_groups(self.access))
        group = or_404(selectors.group_get(pk))
        call_service(services.member_remove, access=self.access, group=group, deputy_id=deputy_id)
        return self.group_response(pk)


class DeputySearchApi(_GroupsApi):
    """Registry deputies with a serving seat at any tier whose name contains `q` (office staff)."""

    @extend_schema(
        parameters=[OpenApiParameter("q", str, description="part of the name")],
        responses=DeputySearchResultSerializer(many=True),
    )
    def get(self, request):
        self.require(can_manage_groups(self.access))
        results = selectors.deputy_search(request.query_params.get("q", ""))
        return Response(DeputySearchResultSerializer(results, many=True).data)


# -- studios -------------------------------------------------------------------------------------------


class StudioListApi(_GroupsApi):
    """Deputy studios and homes (public), or a new one (office staff and administrators)."""

    @extend_schema(responses=StudioSerializer(many=True))
    def get(self, request):
        return Response(StudioSerializer(selectors.studio_list(), many=True).data)

    @extend_schema(request=StudioInputSerializer, responses={201: StudioDetailSerializer})
    def post(self, request):
        self.require(can_manage_groups(self.access))
        data = validated(StudioInputSerializer, request)
        studio = call_service(services.studio_create, access=self.access, data=data)
        return Response(_studio_payload(studio), status=status.HTTP_201_CREATED)


class StudioDetailApi(_GroupsApi):
    """One studio with its duty roster (public); change or delete it (office staff)."""

    @extend_schema(responses=StudioDetailSerializer)
    def get(self, request, pk: int):
        return Response(_studio_payload(or_404(selectors.studio_get(pk))))

    @extend_schema(request=StudioInputSerializer, responses=StudioDetailSerializer)
    def patch(self, request, pk: int):
        self.require(can_manage_groups(self.access))
        studio = or_404(selectors.studio_get(pk))
        data = validated(StudioInputSerializer, request, partial=True)
        studio = call_service(services.studio_update, access=self.access, studio=studio, data=data)
        return Response(_studio_payload(studio))

    @extend_schema(responses={204: None})
    def delete(self, request, pk: int):
        self.require(can_manage_groups(self.access))
        call_service(services.studio_delete, access=self.access, studio=or_404(selectors.studio_get(pk)))
        return Response(status=status.HTTP_204_NO_CONTENT)


class DutyRosterApi(_GroupsApi):
    """A studio's deputies on duty (public); PUT replaces the whole roster (office staff)."""

    @extend_schema(responses=DutySerializer(many=True))
    def get(self, request, pk: int):
        return Response(DutySerializer(selectors.duty_list(or_404(selectors.studio_get(pk))), many=True).data)

    @extend_schema(request=DutyRosterSerializer, responses=DutySerializer(many=True))
    def put(self, request, pk: int):
        self.require(can_manage_groups(self.access))
        studio = or_404(selectors.studio_get(pk))
        data = validated(DutyRosterSerializer, request)
        duties = [{"deputy": d["deputy_id"], "weekday_or_date": d["weekday_or_date"]} for d in data["duties"]]
        rows = call_service(services.duties_set, access=self.access, studio=studio, duties=duties)
        return Response(DutySerializer(rows, many=True).data)
