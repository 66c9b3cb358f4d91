"""Files on an item: the deputies' material on a draft, and the lead unit's reply letter for the coming reply.

Who adds a file: material — the lead deputy or the delegation staff who drafted the item (while it is a draft);
a reply letter — staff of the lead unit (while the item is assigned or re-handled), for the round the coming
reply opens (item.reply_round + 1). The same people remove them under the same conditions.
Who sees them: everyone who sees the item, except on classified items (涉密): there only the office, the item's
deputies and the assigned units' staff.

Files go to the private storage (never under MEDIA_ROOT) under a random name, and are served only through
views that check who asks. Each file is checked by size, by extension and by its first bytes, so a renamed
executable is refused as "content does not match the extension".
"""

import re
import unicodedata
import uuid
import zipfile
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from shared_apps.memberships.permissions import Access
from tenant_apps.suggestions import permissions as perms
from tenant_apps.suggestions.models import (
    Attachment,
    AttachmentKind,
    Confidentiality,
    Status,
    Suggestion,
    SuggestionEvent,
)
from tenants.fields import max_length
from tenants.workflow import lock, require_here
from tenants.workflow.history import record_event

MAX_BYTES = 20 * 1024 * 1024
MAX_FILES_PER_ITEM = 20
NAME_MAX = max_length(Attachment, "name")
REPLY_LETTER_STATUSES = frozenset({Status.ASSIGNED, Status.REHANDLING})

# The first bytes of each accepted format. Legacy Office files (.doc, .xls) share the OLE2 container header;
# .docx, .xlsx and .ofd are zip files told apart by a member they must contain.
_PDF, _PNG, _JPEG = b"%PDF-", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff"
_OLE2, _ZIP = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"PK\x03\x04"


@dataclass(frozen=True)
class FileType:
    content_type: str
    magic: bytes
    zip_member: str = ""  # a file the zip must contain (office open XML, OFD)


FILE_TYPES = {
    "pdf": FileType("application/pdf", _PDF),
    "png": FileType("image/png", _PNG),
    "jpg": FileType("image/jpeg", _JPEG),
    "jpeg": FileType("image/jpeg", _JPEG),
    "doc": FileType("application/msword", _OLE2),
    "xls": FileType("application/vnd.ms-excel", _OLE2),
    "docx": FileType(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document", _ZIP, "word/document.xml"
    ),
    "xlsx": FileType("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _ZIP, "xl/workbook.xml"),
    "ofd": FileType("application/ofd", _ZIP, "OFD.xml"),  # 版式文档 (GB/T 33190), used for official letters
}


# -- who may do what --------------------------------------------------------------------------------------


def can_view_attachments(access: Access, suggestion: Suggestion) -> bool:
    """Whether the caller, who sees the item, may see its files: yes, except that on a classified item only
    the office, the item's deputies and the assigned units' staff may (not the delegation staff who drafted it)."""
    if suggestion.confidentiality != Confidentiality.CLASSIFIED:
        return True
    return perms.can_view_handling(access, suggestion)


def can_add_attachment(access: Access, suggestion: Suggestion, kind: str) -> bool:
    """Whether the caller may add (or remove) a file of `kind` now: material on a draft by whoever may edit it,
    a reply letter on an item being handled by the lead unit's staff."""
    if not can_view_attachments(access, suggestion):
        return False
    if kind == AttachmentKind.MATERIAL:
        return suggestion.status == Status.DRAFT and perms.can_edit_draft(access, suggestion)
    if kind == AttachmentKind.REPLY_LETTER:
        if not perms.is_lead_unit_staff(access, suggestion):
            return False
        # A reply given without its letter (where the congress does not require one first) may still get it.
        late = suggestion.status == Status.REPLIED and not reply_letter_present(suggestion, suggestion.reply_round)
        return suggestion.status in REPLY_LETTER_STATUSES or late
    return False


def letter_round(item: Suggestion) -> int:
    """The reply round a letter uploaded now belongs to: the coming reply's, or the last reply's when it came
    without one."""
    return item.reply_round if item.status == Status.REPLIED else item.reply_round + 1


def can_remove_attachment(access: Access, attachment: Attachment) -> bool:
    """The people who may add a file of its kind now; a reply letter only while its reply is still to come."""
    item = attachment.suggestion
    if attachment.kind == AttachmentKind.REPLY_LETTER and attachment.reply_round != item.reply_round + 1:
        return False
    return can_add_attachment(access, item, attachment.kind)


# -- selectors --------------------------------------------------------------------------------------------


def attachment_list(access: Access, suggestion: Suggestion) -> QuerySet[Attachment]:
    """The files of an item the caller sees (the caller got `suggestion` through selectors), oldest first;
    none when the item is classified and the caller is not one of those who may see its files."""
    if not can_view_attachments(access, suggestion):
        return Attachment.objects.none()
    return Attachment.objects.filter(suggestion=suggestion)


def attachment_get_for_user(access: Access, suggestion: Suggestion, pk) -> Attachment | None:
    """One file of a visible item; None both when it is missing and when the caller may not see it."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    return attachment_list(access, suggestion).filter(pk=pk).first()


def reply_letter_present(item: Suggestion, round: int) -> bool:
    """Whether the lead unit uploaded a reply letter for reply round `round` (the reply that opens it)."""
    return Attachment.objects.filter(suggestion=item, kind=AttachmentKind.REPLY_LETTER, reply_round=round).exists()


# -- checks on the file ---------------------------------------------------------------------------------


def clean_name(name: str) -> str:
    """The uploaded file's name as shown and offered on download: no folders, control or reserved characters,
    at most NAME_MAX characters with its extension kept."""
    name = unicodedata.normalize("NFC", str(name or "")).replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")  # controls, format characters
    name = re.sub(r'[<>:"|?*]+', "_", name).strip(" .")
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    if len(name) > NAME_MAX:
        name = stem[: NAME_MAX - len(ext) - 1] + "." + ext if ext else stem[:NAME_MAX]
    return name


def _extension(name: str) -> str:
    return name.rpartition(".")[2].lower() if "." in name else ""


def _content_matches(uploaded_file, file_type: FileType) -> bool:
    """Whether the file's first bytes (and, for zip-based formats, its members) are those of `file_type`."""
    uploaded_file.seek(0)
    head = uploaded_file.read(len(file_type.magic))
    uploaded_file.seek(0)
    if head != file_type.magic:
        return False
    if not file_type.zip_member:
        return True
    try:
        with zipfile.ZipFile(uploaded_file) as archive:
            return file_type.zip_member in archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    finally:
        uploaded_file.seek(0)


def check_file(uploaded_file) -> tuple[str, FileType]:
    """(the clean name, its type), or ValidationError on "file" saying what is wrong."""
    if uploaded_file is None or not getattr(uploaded_file, "name", ""):
        raise ValidationError({"file": [_("请选择要上传的文件。")]})
    name = clean_name(uploaded_file.name)
    file_type = FILE_TYPES.get(_extension(name))
    if file_type is None:
        raise ValidationError(
            {"file": [_("不支持的文件类型，只能上传：%(types)s。") % {"types": "、".join(sorted(FILE_TYPES))}]}
        )
    if not uploaded_file.size:
        raise ValidationError({"file": [_("文件是空的。")]})
    if uploaded_file.size > MAX_BYTES:
        raise ValidationError(
            {"file": [_("文件不能超过%(mb)dMB。") % {"mb": MAX_BYTES // (1024 * 1024)}]},
        )
    if not _content_matches(uploaded_file, file_type):
        raise ValidationError(
            {"file": [_("文件内容与扩展名（.%(ext)s）不符，请上传真实的文件。") % {"ext": _extension(name)}]}
        )
    return name, file_type


def prepare_upload(uploaded_file) -> tuple[str, FileType]:
    """Check an upload (check_file) and give it a random stored name: (its clean name, its type). What every
    module storing private files does before saving one."""
    name, file_type = check_file(uploaded_file)
    uploaded_file.name = f"{uuid.uuid4().hex}.{_extension(name)}"
    return name, file_type


# -- services -------------------------------------------------------------------------------------------


def _refuse_kind(kind: str, item: Suggestion) -> None:
    """PermissionDenied or ValidationError explaining why the caller may not add a file of `kind` now."""
    if kind == AttachmentKind.MATERIAL:
        if item.status != Status.DRAFT:
            raise ValidationError({"status": [_("只有草稿可以增加或删除附件材料。")]})
        raise PermissionDenied(_("只有领衔代表或起草的代表团工作人员可以管理附件材料。"))
    late = item.status == Status.REPLIED and not reply_letter_present(item, item.reply_round)
    if item.status not in REPLY_LETTER_STATUSES and not late:
        raise ValidationError({"status": [_("只有办理中的议案建议可以上传或删除答复函。")]})
    raise PermissionDenied(_("只有主办单位的工作人员可以上传答复函。"))


@transaction.atomic
def attachment_add(*, access: Access, suggestion: Suggestion, kind: str, uploaded_file) -> Attachment:
    """Add a file to the item: kind "material" (the lead deputy or the delegation staff who drafted it, on a
    draft) or "reply_letter" (lead unit staff, while the item is assigned or re-handled; recorded for the round
    the coming reply opens). Checks the number of files, the size, the extension and the content.
    Raises PermissionDenied, or ValidationError by field (kind, status, file); on error nothing is stored."""
    require_here(access, perms.HERE_ONLY)
    item = lock(suggestion)
    if kind not in AttachmentKind.values:
        raise ValidationError({"kind": [_("请选择附件类型。")]})
    if not can_view_attachments(access, item):
        raise PermissionDenied(_("涉密议案建议的附件只有人大办公室、有关代表和承办单位可以查看和上传。"))
    if not can_add_attachment(access, item, kind):
        _refuse_kind(kind, item)
    if Attachment.objects.filter(suggestion=item).count() >= MAX_FILES_PER_ITEM:
        raise ValidationError({"file": [_("每件议案建议最多%(n)d个附件。") % {"n": MAX_FILES_PER_ITEM}]})
    name, file_type = check_file(uploaded_file)
    attachment = Attachment(
        suggestion=item,
        kind=kind,
        name=name,
        size=uploaded_file.size,
        content_type=file_type.content_type,
        reply_round=letter_round(item) if kind == AttachmentKind.REPLY_LETTER else 0,
        uploaded_by=access.user,
    )
    # SECURITY: the stored name is random; the uploader's name is kept only in `name`, never used as a path.
    attachment.file.save(f"{uuid.uuid4().hex}.{_extension(name)}", uploaded_file, save=False)
    try:
        attachment.save()
        record_event(
            SuggestionEvent,
            item,
            actor=access.user,
            action="attachment_add",
            data={
                "attachment": attachment.pk,
                "kind": kind,
                "name": name,
                "size": attachment.size,
                "reply_round": attachment.reply_round,
            },
        )
    except BaseException:
        attachment.file.delete(save=False)
        raise
    return attachment


@transaction.atomic
def attachment_remove(*, access: Access, attachment: Attachment) -> None:
    """Remove a file: whoever may add a file of its kind now (a reply letter only before its reply is given).
    The stored file is deleted once the transaction commits. Raises PermissionDenied or ValidationError."""
    require_here(access, perms.HERE_ONLY)
    item = lock(attachment.suggestion)
    locked = Attachment.objects.select_for_update().filter(pk=attachment.pk, suggestion=item).first()
    if locked is None:
        raise ValidationError({"attachment": [_("附件不存在或已删除。")]})
    attachment = locked
    attachment.suggestion = item
    if not can_view_attachments(access, item):
        raise PermissionDenied(_("涉密议案建议的附件只有人大办公室、有关代表和承办单位可以查看和管理。"))
    if not can_remove_attachment(access, attachment):
        if attachment.kind == AttachmentKind.REPLY_LETTER and can_add_attachment(access, item, attachment.kind):
            raise ValidationError({"attachment": [_("已答复的答复函不能删除。")]})
        _refuse_kind(attachment.kind, item)
    stored, storage = attachment.file.name, attachment.file.storage
    data: dict[str, Any] = {"attachment": attachment.pk, "kind": attachment.kind, "name": attachment.name}
    attachment.delete()
    record_event(SuggestionEvent, item, actor=access.user, action="attachment_remove", data=data)
    transaction.on_commit(lambda: storage.delete(stored))


# -- the item page ----------------------------------------------------------------------------------------


def panel(request, item: Suggestion) -> dict | None:
    """The files the caller sees, the upload form for the kinds they may add, and for the lead unit a warning
    while no reply letter is uploaded for the coming reply."""
    access = request.access
    if not can_view_attachments(access, item):
        return None
    attachments = list(attachment_list(access, item))
    kinds = [(code, label) for code, label in AttachmentKind.choices if can_add_attachment(access, item, code)]
    if not attachments and not kinds:
        return None
    for attachment in attachments:
        attachment.suggestion = item
        attachment.download_url = reverse("suggestions:attachment_download", args=[item.pk, attachment.pk])
        attachment.removable = can_remove_attachment(access, attachment)
    missing_letter = AttachmentKind.REPLY_LETTER in dict(kinds) and not any(
        a.kind == AttachmentKind.REPLY_LETTER and a.reply_round == item.reply_round + 1 for a in attachments
    )
    return {
        "template": "suggestions/_panel_attachments.html",
        "item": item,
        "attachments": attachments,
        "kinds": kinds,
        "accept": ",".join(f".{ext}" for ext in FILE_TYPES),
        "max_mb": MAX_BYTES // (1024 * 1024),
        "warning": _("尚未上传本次答复的答复函：答复时应当附主办单位的答复函。") if missing_letter else "",
    }
