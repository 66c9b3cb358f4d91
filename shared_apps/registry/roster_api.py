"""Roster API of a congress host. The API is stateless: preview and commit each take the file, and commit
validates it again before writing every row or none. Identifiers in answers are always masked."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from shared_apps.memberships.api_base import CongressApiView
from shared_apps.registry import exports, roster
from shared_apps.registry.permissions import can_manage_registry


class RosterUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="The roster, an .xlsx file in the template's columns (docs/roster.md).")
    allow_new_constituencies = serializers.BooleanField(
        required=False, default=False, help_text="Create constituencies the term does not have yet."
    )


class RosterRowSerializer(serializers.Serializer):
    line = serializers.IntegerField(help_text="the Excel line number")
    name = serializers.CharField()
    id_number = serializers.CharField(help_text="masked")
    mobile = serializers.CharField(help_text="masked")
    constituency = serializers.CharField()
    delegation = serializers.CharField()
    status = serializers.ChoiceField(choices=list(roster.ROW_STATUS_LABELS))
    # DRF's metaclass moves declared fields off the class, so this does not replace Serializer.errors.
    errors = serializers.ListField(child=serializers.CharField())  # type: ignore[assignment]


class RosterColumnSerializer(serializers.Serializer):
    column = serializers.CharField(help_text="the Excel column letter")
    heading = serializers.CharField(help_text="the heading as the file writes it")
    field = serializers.ChoiceField(choices=list(roster.COLUMNS_BY_KEY), help_text="the roster column it fills")
    header = serializers.CharField(help_text="that column's header in the template")


class RosterIgnoredColumnSerializer(serializers.Serializer):
    column = serializers.CharField(help_text="the Excel column letter")
    heading = serializers.CharField(help_text="the heading as the file writes it")
    reason = serializers.CharField(help_text="why it is not read: not a roster column, or a second column of a field")


def _counts(**kwargs):
    return serializers.DictField(child=serializers.IntegerField(), **kwargs)


class RosterPreviewSerializer(serializers.Serializer):
    term = serializers.IntegerField(help_text="the open term's number")
    valid = serializers.BooleanField()
    counts = _counts()
    new_constituencies = serializers.ListField(child=serializers.CharField())
    new_delegations = serializers.ListField(child=serializers.CharField())
    columns = RosterColumnSerializer(many=True, help_text="the file's columns that are read")
    ignored_columns = RosterIgnoredColumnSerializer(
        many=True, help_text="the file's columns that are not read (已忽略的列); they never refuse the file"
    )
    rows = RosterRowSerializer(many=True)


class RosterRejectedSerializer(serializers.Serializer):
    """Why nothing was imported: `detail` with the counts, the rows in error and the ignored columns when the
    file could be read; `detail` alone for a file that is not a roster; the errors by field for a malformed
    upload (no file)."""

    detail = serializers.CharField(required=False)
    counts = _counts(required=False)
    errors = RosterRowSerializer(many=True, required=False)  # type: ignore[assignment]  # a declared field
    ignored_columns = RosterIgnoredColumnSerializer(many=True, required=False)


def _preview_payload(preview: roster.RosterPreview) -> dict:
    return {
        "term": preview.term.number,
        "valid": preview.is_valid,
        "counts": preview.counts,
        "new_constituencies": preview.new_constituencies,
        "new_delegations": preview.new_delegations,
        "columns": [column.as_public() for column in preview.headings.used],
        "ignored_columns": [column.as_public() for column in preview.headings.ignored],
        "rows": [row.as_public() for row in preview.rows],
    }


def _file_error(exc: roster.RosterFileError) -> Response:
    return Response({"detail": str(exc)}, status=status.HTTP_400_BAD_REQUEST)


class _RosterUploadApi(CongressApiView):
    parser_classes = [MultiPartParser, FormParser]

    def upload(self, request) -> tuple[bytes, bool]:
        """The caller may manage this congress's registry (checked before the body is read); the file's bytes."""
        self.require(can_manage_registry(self.access, self.congress))
        data = RosterUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        content = roster.read_upload(data.validated_data["file"])
        return content, data.validated_data["allow_new_constituencies"]


class RosterPreviewApi(_RosterUploadApi):
    """Parse and check a roster without writing anything: every row with its errors, and the counts."""

    @extend_schema(
        request={"multipart/form-data": RosterUploadSerializer},
        responses={200: RosterPreviewSerializer, 400: OpenApiResponse(description="the file cannot be read")},
    )
    def post(self, request):
        try:
            content, allow_new = self.upload(request)
            preview = roster.roster_preview(
                access=self.access, congress=self.congress, data=content, allow_new_constituencies=allow_new
            )
        except roster.RosterFileError as exc:
            return _file_error(exc)
        return Response(_preview_payload(preview))


class RosterCommitApi(_RosterUploadApi):
    """Import a roster into the open term: every row or, if any row has an error, nothing (400 lists them)."""

    @extend_schema(
        request={"multipart/form-data": RosterUploadSerializer},
        responses={200: inline_serializer("RosterImported", {"counts": _counts()}), 400: RosterRejectedSerializer},
    )
    def post(self, request):
        try:
            content, allow_new = self.upload(request)
            counts = roster.roster_commit(
                access=self.access, congress=self.congress, data=content, allow_new_constituencies=allow_new
            )
        except roster.RosterFileError as exc:
            return _file_error(exc)
        except roster.RosterRejected as exc:
            return Response(self._rejected(exc), status=status.HTTP_400_BAD_REQUEST)
        return Response({"counts": counts})

    @staticmethod
    def _rejected(exc: roster.RosterRejected) -> dict:
        preview = exc.preview
        return {
            "detail": str(exc),
            "counts": preview.counts,
            "errors": [r.as_public() for r in preview.error_rows],
            "ignored_columns": [column.as_public() for column in preview.headings.ignored],
        }


class RosterExportApi(CongressApiView):
    """The open term's seats as an .xlsx file (identifiers clear only where can_view_identity allows)."""

    @extend_schema(
        responses={
            (200, exports.XLSX_CONTENT_TYPE): OpenApiTypes.BINARY,
            400: OpenApiResponse(description="no open term"),
        }
    )
    def get(self, request):
        self.require(can_manage_registry(self.access, self.congress))
        try:
            return exports.roster_export(self.access, self.congress)
        except roster.RosterFileError as exc:
            return _file_error(exc)
