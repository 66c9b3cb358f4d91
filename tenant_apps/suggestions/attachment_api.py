"""REST API of an item's files, and the office's screening of an item under review.

`GET/POST <id>/attachments/` lists the files the caller sees, or uploads one (multipart: kind, file);
`GET <id>/attachments/<att>/` downloads one, `DELETE` removes it; `GET <id>/screening/` gives the office the
admissibility warnings and the similar items. Items and files the caller may not see answer 404."""

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response

from tenant_apps.suggestions import attachments, screening, similar
from tenant_apps.suggestions.api import SuggestionApiBase
from tenant_apps.suggestions.models import AttachmentKind
from tenant_apps.suggestions.permissions import is_office
from tenants.api import call_service
from tenants.files import private_file_response
from tenants.shortcuts import or_404


class AttachmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    kind_label = serializers.CharField(source="get_kind_display")
    name = serializers.CharField()
    size = serializers.IntegerField()
    content_type = serializers.CharField()
    reply_round = serializers.IntegerField(help_text="reply letters: the round their reply opens; 0 for material")
    uploaded_by = serializers.IntegerField(source="uploaded_by_id")
    created_at = serializers.DateTimeField()
    url = serializers.SerializerMethodField(help_text="GET downloads the file, DELETE removes it")

    def get_url(self, attachment) -> str:
        return reverse("suggestions-api:attachment_detail", args=[attachment.suggestion_id, attachment.pk])


class AttachmentInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=AttachmentKind.choices)
    file = serializers.FileField(help_text="pdf, doc, docx, xls, xlsx, jpg, png or ofd; at most 20 MB")


class SimilarSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="item.pk")
    number = serializers.IntegerField(source="item.number", allow_null=True)
    title = serializers.CharField(source="item.title")
    status = serializers.CharField(source="item.status")
    status_label = serializers.CharField(source="item.get_status_display")
    result_category = serializers.CharField(source="item.result_category")
    year = serializers.IntegerField()
    score = serializers.FloatField(help_text="0 to 1: title and body character-bigram similarity")


class ScreeningSerializer(serializers.Serializer):
    warnings = serializers.ListField(child=serializers.CharField())
    similar = SimilarSerializer(many=True)


class _FileRenderer(BaseRenderer):
    """Lets a client that asks for the file's own type (Accept: application/pdf...) past content negotiation;
    the file goes out as it is, and any other answer is turned back to JSON (AttachmentDetailApi)."""

    media_type = "*/*"
    format = "file"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return JSONRenderer().render(data)


class _ItemApi(SuggestionApiBase):
    def attachment_or_404(self, pk: int, att_pk: int):
        return or_404(attachments.attachment_get_for_user(self.access, self.item_or_404(pk), att_pk))


class AttachmentListApi(_ItemApi):
    """The item's files the caller sees; upload one (material: the drafting deputy on a draft; reply letter:
    the lead unit while handling)."""

    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(responses=AttachmentSerializer(many=True))
    def get(self, request, pk: int):
        item = self.item_or_404(pk)
        return Response(AttachmentSerializer(attachments.attachment_list(self.access, item), many=True).data)

    @extend_schema(request={"multipart/form-data": AttachmentInputSerializer}, responses={201: AttachmentSerializer})
    def post(self, request, pk: int):
        item = self.item_or_404(pk)
        data = AttachmentInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        attachment = call_service(
            attachments.attachment_add,
            access=self.access,
            suggestion=item,
            kind=data.validated_data["kind"],
            uploaded_file=data.validated_data["file"],
        )
        return Response(AttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED)


class AttachmentDetailApi(_ItemApi):
    """Download one file (as an attachment under its original name), or remove it."""

    renderer_classes = [JSONRenderer, _FileRenderer]

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if isinstance(response, Response) and isinstance(response.accepted_renderer, _FileRenderer):
            response.accepted_renderer, response.accepted_media_type = JSONRenderer(), JSONRenderer.media_type
        return response

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    def get(self, request, pk: int, att_pk: int):
        attachment = self.attachment_or_404(pk, att_pk)
        return private_file_response(
            attachment.file.open("rb"), content_type=attachment.content_type, filename=attachment.name
        )

    @extend_schema(responses={204: OpenApiResponse(description="removed")})
    def delete(self, request, pk: int, att_pk: int):
        attachment = self.attachment_or_404(pk, att_pk)
        call_service(attachments.attachment_remove, access=self.access, attachment=attachment)
        return Response(status=status.HTTP_204_NO_CONTENT)


class SuggestionScreeningApi(_ItemApi):
    """For the office: the item's admissibility warnings and the congress's similar items."""

    @extend_schema(responses=ScreeningSerializer)
    def get(self, request, pk: int):
        self.require(is_office(self.access))
        item = self.item_or_404(pk)
        payload = {
            "warnings": screening.admissibility_warnings(self.access.congress, item),
            "similar": similar.similar_items(item),
        }
        return Response(ScreeningSerializer(payload).data)
