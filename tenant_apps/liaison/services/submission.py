"""Messages from the public: sending one (no account), and the staff's review of held ones.

A message goes to an active station of this congress or to a deputy serving here. The sender gets a tracking
code (unique across the province) to follow it, with the last four digits of their mobile, wherever the matter
travels. The abuse controls (abuse.py) run inside the same transaction: past a rate limit the sender answers
a challenge, past a hard cap the message is refused with the reason and the time to retry, and a copy of a
message from the same address or mobile within 24 hours is saved as held (待审核) for staff to release or discard.

Who reviews held messages: the office (office staff, administrators) and the staff of the message's station.
Deputies never see held messages (permissions.can_view): a flood must not reach their phones. Release and
discard are the review workflow's two actions (workflow.REVIEW).
"""

import io
import secrets
import uuid
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image, ImageOps, UnidentifiedImageError

from shared_apps.memberships.permissions import Access
from shared_apps.registry import crypto, identifiers
from shared_apps.registry.models import Deputy, Seat, SeatStatus
from tenant_apps.liaison import abuse, notices, tracking
from tenant_apps.liaison.models import (
    MessageEvent,
    MessagePhoto,
    MessageStatus,
    PublicMessage,
    Station,
)
from tenant_apps.liaison.permissions import handler_for
from tenant_apps.liaison.selectors import categories
from tenant_apps.liaison.workflow import REVIEW
from tenants.connection import current_schema, in_schema_of
from tenants.fields import max_length
from tenants.language import platform_text
from tenants.workflow import apply_transition
from tenants.workflow.history import record_event

TEXT_MAX = 2000
NAME_MAX = max_length(PublicMessage, "sender_name")
REASON_MAX = max_length(PublicMessage, "held_reason")
PHOTOS_MAX = 4
PHOTO_MAX_BYTES = 5 * 1024 * 1024
# A 48-megapixel phone photo passes; a small file announcing a giant canvas (a decompression bomb) does not.
PHOTO_MAX_PIXELS = 50_000_000
PHOTO_SAVE_OPTIONS: dict[str, dict[str, Any]] = {
    "jpeg": {"quality": 90},
    "png": {"optimize": True},
    "webp": {"quality": 90},
}
# Unambiguous on a phone screen and when read out: no 0/O, no 1/I.
CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
CODE_LENGTH = 10


@dataclass(frozen=True)
class PhotoType:
    extensions: tuple[str, ...]
    content_type: str


PHOTO_TYPES = {
    "jpeg": PhotoType(("jpg", "jpeg"), "image/jpeg"),
    "png": PhotoType(("png",), "image/png"),
    "webp": PhotoType(("webp",), "image/webp"),
}


# -- the sender's input ---------------------------------------------------------------------------------


def _flag(value, default: bool) -> bool:
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in {"1", "true", "on", "yes"}


def _photo_kind(head: bytes) -> str:
    """The image format the first bytes announce, or "" (checked by content, not by the name)."""
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    return ""


def _check_photos(photos) -> tuple[list[tuple[object, PhotoType]], list[str]]:
    """(the photos with their types, the problems): at most PHOTOS_MAX jpeg/png/webp images of PHOTO_MAX_BYTES each,
    whose content matches their extension."""
    # None as getattr's default: after `p is not None and`, mypy expects a bool there and refuses "".
    photos = [p for p in (photos or []) if p is not None and getattr(p, "name", None)]
    checked: list[tuple[object, PhotoType]] = []
    problems: list[str] = []
    if len(photos) > PHOTOS_MAX:
        return [], [_("最多上传%(n)d张照片。") % {"n": PHOTOS_MAX}]
    for photo in photos:
        name = str(photo.name).replace("\\", "/").rsplit("/", 1)[-1]
        extension = name.rpartition(".")[2].lower() if "." in name else ""
        declared = next((k for k, t in PHOTO_TYPES.items() if extension in t.extensions), "")
        if not declared:
            problems.append(_("“%(name)s”不是照片：只能上传jpg、png或webp格式的图片。") % {"name": name})
            continue
        if not photo.size:
            problems.append(_("“%(name)s”是空文件。") % {"name": name})
            continue
        if photo.size > PHOTO_MAX_BYTES:
            problems.append(
                _("“%(name)s”超过%(mb)dMB，请压缩后再上传。") % {"name": name, "mb": PHOTO_MAX_BYTES // (1024 * 1024)}
            )
            continue
        photo.seek(0)
        head = photo.read(12)
        photo.seek(0)
        if _photo_kind(head) != declared:
            problems.append(_("“%(name)s”的内容与扩展名不符，请上传真实的照片。") % {"name": name})
            continue
        cleaned, problem = _decoded(photo, declared, name)
        if cleaned is None:
            problems.append(problem)
            continue
        checked.append((cleaned, PHOTO_TYPES[declared]))
    return checked, problems


def _decoded(photo, kind: str, name: str) -> tuple[ContentFile | None, str]:
    """(the photo decoded and encoded again, or a problem). Decoding proves it is an image, not only bytes that
    start like one; its pixel count is bounded before decoding (a 109 KB file can announce 30000×30000 pixels);
    encoding it again keeps the picture (turned upright) and drops its metadata: a phone's EXIF holds where the
    photo was taken, which the public's photos must not carry."""
    too_many = _("“%(name)s”的像素过多（最多约%(mp)d百万像素），请缩小后再上传。") % {
        "name": name,
        "mp": PHOTO_MAX_PIXELS // 1_000_000,
    }
    photo.seek(0)
    try:
        with Image.open(photo) as image:
            if image.width * image.height > PHOTO_MAX_PIXELS:
                return None, too_many
            image.load()
            upright = ImageOps.exif_transpose(image)
            if kind == "jpeg" and upright.mode not in ("RGB", "L"):
                upright = upright.convert("RGB")
            out = io.BytesIO()
            upright.save(out, format=kind.upper(), **PHOTO_SAVE_OPTIONS[kind])
    except Image.DecompressionBombError:  # Pillow's own bound, met while reading the header
        return None, too_many
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        return None, _("“%(name)s”无法识别为照片，请重新拍摄或选择其他照片。") % {"name": name}
    finally:
        photo.seek(0)
    return ContentFile(out.getvalue(), name=name), ""


def _serving_here(congress, deputy: Deputy) -> bool:
    return Seat.objects.filter(deputy=deputy, congress=congress, status=SeatStatus.SERVING).exists()


def _clean(congress, station, deputy, data: dict, photos) -> tuple[dict, list]:
    """The message's fields and checked photos; ValidationError by field listing every problem at once."""
    errors: dict[str, list[str]] = {}
    if (station is None) == (deputy is None):
        errors["target"] = [_("请选择留言的联络站或代表。")]
    elif station is not None and not station.is_active:
        errors["station"] = [_("该联络站已停用，请通过网上联络站留言。")]
    elif deputy is not None and not _serving_here(congress, deputy):
        errors["deputy"] = [_("该代表不是本级人大的在任代表。")]
    # Text fields, and the is_anonymous flag (a bool) once they pass.
    cleaned: dict[str, Any] = {k: str(data.get(k) or "").strip() for k in ("category", "text", "sender_name", "mobile")}
    if cleaned["category"] not in {code for code, _label in categories(congress)}:
        errors["category"] = [_("请选择留言类别。")]
    if not cleaned["text"]:
        errors["text"] = [_("请填写留言内容。")]
    elif len(cleaned["text"]) > TEXT_MAX:
        errors["text"] = [_("留言内容不能超过%(n)d个字。") % {"n": TEXT_MAX}]
    if not cleaned["sender_name"]:
        errors["sender_name"] = [_("请填写姓名（不会公开）。")]
    elif len(cleaned["sender_name"]) > NAME_MAX:
        errors["sender_name"] = [_("姓名不能超过%(n)d个字。") % {"n": NAME_MAX}]
    try:
        cleaned["mobile"] = identifiers.validate_mobile(cleaned["mobile"])
    except ValidationError as exc:
        errors["mobile"] = exc.messages if cleaned["mobile"] else [_("请填写手机号码，以便答复您（不会公开）。")]
    checked, problems = _check_photos(photos)
    if problems:
        errors["photos"] = problems
    if errors:
        raise ValidationError(errors)
    cleaned["is_anonymous"] = _flag(data.get("is_anonymous"), True)
    return cleaned, checked


def _new_tracking_code() -> str:
    for _attempt in range(10):
        code = "".join(secrets.choice(CODE_ALPHABET) for _i in range(CODE_LENGTH))
        # Unique across the province: the tracker (public schema) holds every congress's codes.
        if not tracking.code_taken(code) and not PublicMessage.objects.filter(tracking_code=code).exists():
            return code
    raise RuntimeError("No free tracking code after 10 attempts.")  # 32^10 codes: practically unreachable


def _target_name(station, deputy) -> str:
    """Whom the message went to, as the sender reads it (in the platform's language)."""
    return station.name if station is not None else platform_text(gettext_lazy("%(name)s代表"), name=deputy.name)


def _save_photos(message: PublicMessage, checked) -> list[str]:
    stored = []
    for photo, photo_type in checked:
        record = MessagePhoto(message=message, content_type=photo_type.content_type, size=photo.size)
        # SECURITY: a random stored name; the sender's file name is never used as a path.
        record.file.save(f"{uuid.uuid4().hex}.{photo_type.extensions[0]}", photo, save=False)
        stored.append(record.file.name)
        record.save()
    return stored


# -- services -----------------------------------------------------------------------------------------------


@transaction.atomic
def message_submit(
    *, congress, station: Station | None = None, deputy: Deputy | None = None, data: dict, photos, client_address: str
) -> PublicMessage:
    """Send a message from the public (no account) to an active station of `congress` or to a deputy serving in
    it. `data`: category, text, sender_name, mobile, is_anonymous (default True), and challenge_token /
    challenge_answer when answering a challenge. Raises ValidationError by field (nothing saved), ChallengeRequired
    when a rate limit asks for the challenge, RateLimited past a hard cap. A copy of a recent message from the same
    address or mobile is saved as held (待审核). Writes the "submit" event and the tracker's "received" step."""
    # SECURITY: the message goes into the schema we are in, which must be the congress's.
    assert in_schema_of(congress), (current_schema(), congress.schema_name)
    cleaned, checked = _clean(congress, station, deputy, data, photos)
    client = abuse.client_hash(client_address)
    mobile_hash = crypto.lookup_hash(cleaned["mobile"])
    abuse.lock_sender(client, mobile_hash)
    challenged = abuse.check_limits(
        client=client,
        mobile=mobile_hash,
        challenge_token=str(data.get("challenge_token") or ""),
        challenge_answer=str(data.get("challenge_answer") or ""),
    )
    digest = abuse.text_hash(cleaned["text"])
    held = abuse.is_duplicate(client=client, mobile=mobile_hash, digest=digest)
    message = PublicMessage.objects.create(
        tracking_code=_new_tracking_code(),
        station=station,
        deputy=deputy,
        category=cleaned["category"],
        text=cleaned["text"],
        sender_name=cleaned["sender_name"],
        sender_mobile_encrypted=crypto.encrypt(cleaned["mobile"]),
        mobile_hash=mobile_hash,
        mobile_last4=cleaned["mobile"][-4:],
        is_anonymous=cleaned["is_anonymous"],
        client_hash=client,
        text_hash=digest,
        status=MessageStatus.HELD if held else MessageStatus.NEW,
        held_reason=abuse.HELD_DUPLICATE if held else "",
    )
    stored: list[str] = []
    try:
        stored = _save_photos(message, checked)
        record_event(
            MessageEvent,
            message,
            actor=None,
            action="submit",
            from_status="",
            note=message.held_reason,
            data={"photos": len(stored), "challenged": challenged, "held": held},
        )
        if held:
            note = platform_text(gettext_lazy("留言已收到。因与您近期提交的留言内容相同，需经工作人员审核后再处理。"))
        else:
            note = platform_text(gettext_lazy("留言已收到，将由%(target)s办理。"), target=_target_name(station, deputy))
        tracking.track(congress, message, "received", public_note=note)
        if not held:
            notices.on_message_received(congress, message)
    except BaseException:
        for name in stored:
            MessagePhoto.file.field.storage.delete(name)
        raise
    return message


def message_release(*, access: Access, message: PublicMessage) -> PublicMessage:
    """Release a held message (→ new): it reaches the deputies and staff who handle it, who are told in-app. The
    office or the staff of its station. Raises PermissionDenied, or ValidationError when it is no longer held."""
    return apply_transition(REVIEW, access=handler_for(access), obj=message, action="release")


def message_discard(*, access: Access, message: PublicMessage, reason: str) -> PublicMessage:
    """Discard a held message (→ discarded, 不予受理) with the reason, which the sender reads under the tracking
    code. The office or the staff of its station. Raises PermissionDenied, or ValidationError (reason, status)."""
    return apply_transition(REVIEW, access=handler_for(access), obj=message, action="discard", data={"reason": reason})
