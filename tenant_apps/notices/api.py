from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.response import Response

from shared_apps.memberships.api_base import CongressApiView
from shared_apps.memberships.permissions import is_office
from tenant_apps.notices import selectors, services
from tenant_apps.notices.models import Direction, Scope
from tenants.api import call_service
from tenants.shortcuts import or_404


@extend_schema_serializer(component_name="CongressNotice")
class NoticeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    direction = serializers.CharField()
    title = serializers.CharField()
    body = serializers.CharField()
    scope = serializers.CharField()
    from_name = serializers.CharField()
    created_at = serializers.DateTimeField()
    acknowledged_at = serializers.DateTimeField(allow_null=True)


class DeliverySerializer(serializers.Serializer):
    congress = serializers.CharField(source="target.name")
    subdomain = serializers.CharField(source="target.subdomain")
    status = serializers.CharField()
    delivered_at = serializers.DateTimeField(allow_null=True)
    answered_at = serializers.DateTimeField(allow_null=True)


@extend_schema_serializer(component_name="CongressNoticeDetail")
class NoticeDetailSerializer(NoticeSerializer):
    deliveries = DeliverySerializer(many=True, required=False)


class NoticeInputSerializer(serializers.Serializer):
    title = serializers.CharField()
    body = serializers.CharField()
    scope = serializers.ChoiceField(choices=Scope.choices, default=Scope.CHILDREN)


class _NoticesApi(CongressApiView):
    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        # Every endpoint, reading included: notices pass between offices, and the menu shows them to no one else.
        self.require(is_office(self.access))

    def notice_or_404(self, pk):
        return or_404(selectors.notice_get(pk))

    def detail(self, notice, code=status.HTTP_200_OK) -> Response:
        data = NoticeSerializer(notice).data
        if notice.direction == Direction.SENT:
            data["deliveries"] = DeliverySerializer(selectors.deliveries(self.congress, notice), many=True).data
        return Response(data, status=code)


class NoticeListApi(_NoticesApi):
    """Notices received from above (default) or sent down by this congress; office staff and administrators."""

    @extend_schema(
        parameters=[OpenApiParameter("direction", str, enum=Direction.values)], responses=NoticeSerializer(many=True)
    )
    def get(self, request):
        direction = request.query_params.get("direction", Direction.RECEIVED)
        return Response(NoticeSerializer(selectors.notice_list(direction), many=True).data)

    @extend_schema(request=NoticeInputSerializer, responses={201: NoticeDetailSerializer})
    def post(self, request):
        data = NoticeInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        notice = call_service(services.notice_send, access=self.access, **data.validated_data)
        return self.detail(notice, status.HTTP_201_CREATED)


class NoticeDetailApi(_NoticesApi):
    @extend_schema(responses=NoticeDetailSerializer)
    def get(self, request, pk: int):
        return self.detail(self.notice_or_404(pk))


class NoticeAcknowledgeApi(_NoticesApi):
    @extend_schema(request=None, responses=NoticeDetailSerializer)
    def post(self, request, pk: int):
        notice = call_service(services.notice_acknowledge, access=self.access, notice=self.notice_or_404(pk))
        return self.detail(notice)
