"""Private files (deputies' material, reply letters, message photos) as responses."""

from django.http import FileResponse


def private_file_response(handle, *, content_type: str, filename: str | None = None) -> FileResponse:
    """Stream an opened private file to someone the caller has checked may see it: as `content_type` (never
    sniffed into another type), never kept by a shared cache; as a download named `filename` when given."""
    response = FileResponse(
        handle,
        as_attachment=filename is not None,
        filename=filename or "",
        content_type=content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
