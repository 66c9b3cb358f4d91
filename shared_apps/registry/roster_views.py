"""Roster pages of a congress host: upload → preview (nothing written) → commit (all rows or none), the
template download and the export. Office staff and administrators of this congress, or platform administrators."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from shared_apps.memberships.decorators import require_access
from shared_apps.registry import exports, roster
from shared_apps.registry.permissions import can_manage_registry

PREVIEW_ROWS_SHOWN = 500  # rows without errors listed on the preview page; rows with errors are all listed


def can_manage_roster(access) -> bool:
    """The roster pages: whoever may manage the registry of the congress being visited."""
    return can_manage_registry(access, access.congress)


class RosterUploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("名册文件（.xlsx）"))
    allow_new_constituencies = forms.BooleanField(
        required=False,
        label=gettext_lazy("允许新增选区"),
        help_text=gettext_lazy("勾选后，名册中本届还没有的选区名称将作为新选区建立；不勾选时视为错误。"),
    )


def _back(request, exc: Exception):
    messages.error(request, str(exc))
    return redirect("roster:index")


def _index(request, form, *, error: str = "", status: int = 200):
    context = {
        "form": form,
        "term": roster.open_term(request.congress),
        "columns": roster.COLUMNS,
        "error": error,
        "max_rows": roster.MAX_ROWS,
        "max_mb": roster.MAX_BYTES // (1024 * 1024),
    }
    return render(request, "registry/roster/index.html", context, status=status)


def _preview_page(request, preview, *, token: str = "", status: int = 200):
    rows = [row.as_public() | {"status_label": row.status_label} for row in preview.rows]
    context = {
        "preview": preview,
        "counts": preview.counts,
        "error_rows": [r for r in rows if r["errors"]],
        "rows": rows[:PREVIEW_ROWS_SHOWN],
        "rows_hidden": max(len(rows) - PREVIEW_ROWS_SHOWN, 0),
        "token": token,
    }
    return render(request, "registry/roster/preview.html", context, status=status)


@require_access(can_manage_roster)
def index(request):
    return _index(request, RosterUploadForm())


@require_access(can_manage_roster)
def template(request):
    data = exports.roster_template(roster.open_term(request.congress))
    return exports.bytes_response(data, _("代表名册模板.xlsx"))


@require_access(can_manage_roster)
def export(request):
    try:
        return exports.roster_export(request.access, request.congress)
    except roster.RosterFileError as exc:
        return _back(request, exc)


def _stash(request, data: bytes, allow_new: bool) -> str:
    name = roster.upload_save(data)
    return roster.upload_token(name, congress=request.congress, user=request.user, allow_new_constituencies=allow_new)


@require_access(can_manage_roster)
@require_POST
def preview(request):
    form = RosterUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _index(request, form, status=400)
    allow_new = form.cleaned_data["allow_new_constituencies"]
    try:
        data = roster.read_upload(form.cleaned_data["file"])
        result = roster.roster_preview(
            access=request.access, congress=request.congress, data=data, allow_new_constituencies=allow_new
        )
    except roster.RosterFileError as exc:
        return _index(request, form, error=str(exc), status=400)
    # SECURITY: only a roster that can be committed is kept on disk; a rejected one (clear ID numbers) is not.
    token = _stash(request, data, allow_new) if result.is_valid else ""
    return _preview_page(request, result, token=token)


def _summary(counts: dict) -> str:
    return (
        _(
            "名册已导入：共%(rows)d人，新登记%(created)d人，关联已登记的代表%(linked)d人，更新%(updated)d人，"
            "新建选区%(constituencies_created)d个。"
        )
        % counts
    )


def _commit(request, name: str, allow_new: bool):
    try:
        counts = roster.roster_commit(
            access=request.access,
            congress=request.congress,
            data=roster.upload_read(name),
            allow_new_constituencies=allow_new,
        )
    except roster.RosterRejected as exc:
        return _preview_page(request, exc.preview, status=400)
    except roster.RosterFileError as exc:
        return _back(request, exc)
    messages.success(request, _summary(counts))
    return redirect("roster:index")


@require_access(can_manage_roster)
@require_POST
def commit(request):
    try:
        name, allow_new = roster.upload_from_token(
            request.POST.get("token", ""), congress=request.congress, user=request.user
        )
    except roster.RosterFileError as exc:
        return _back(request, exc)
    try:
        return _commit(request, name, allow_new)
    finally:
        roster.upload_delete(name)  # committed or refused, the file is not needed again
