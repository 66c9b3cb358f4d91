"""Messages from the public: sending one (no account), and the staff's review of held ones.

A message goes to an active station of this congress or to a deputy serving here. The sender gets a tracking
code (unique across the province) to follow it, with the last four digits of their mobile, wherever the matter
travels. The abuse controls (abuse.py) run inside the same transaction: past a rate limit the sender answers
a challenge, past a hard cap the message is refused with the reason and the time to retry, and a copy of a
message from the same address or mobile within 24 hours is saved as held (待审核) for staff to release or discard.

Who reviews held messages: the office (office staff, administrators) and the staff of the message's station.
Deputies never see held messages (workflow.can_view): a flood must not reach their phones.
"""

import secrets
import uuid
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shared_apps.memberships.permissions import Access
from shared_apps.registry import crypto, identifiers
from shared_apps.registry.models import Deputy, Seat, SeatStatus
from tenant_apps.liaison import abuse, tracking
from tenant_apps.liaison.handling import on_message_received
from tenant_apps.liaison.models import (
    MessageEvent,
    MessagePhoto,
    MessageStatus,
    PublicMessage,
    Station,
    StationStaff,
)
from tenant_apps.liaison.workflow import is_office, is_station_staff
from tenants.connection import current_schema, in_schema_of
from tenants.fields import max_length
from tenants.language import platform_text
from tenants.services import effective_settings

TEXT_MAX = 2000
NAME_MAX = max_length(PublicMessage, "sender_name")
REASON_MAX = max_length(PublicMessage, "held_reason")
PHOTOS_MAX = 4
PHOTO_MAX_BYTES = 5 * 1024 * 1024
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


def categories(congress) -> list[tuple[str, str]]:
    """The congress's message categories (setting `categories.public_message`), as (code, label)."""
    return [(code, label) for code, label in effective_settings(congress)["categories.public_message"]]


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
    checked, problems = [], []
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
        checked.append((photo, PHOTO_TYPES[declared]))
    return checked, problems


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


def _announce(congress, message: PublicMessage) -> None:
    """Tell the people who handle a message that it arrived (in-app; SMS and e-mail go in the daily digest)."""
    on_message_received(congress, message)


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
        MessageEvent.objects.create(
            message=message,
            action="submit",
            to_status=message.status,
            note=message.held_reason,
            data={"photos": len(stored), "challenged": challenged, "held": held},
        )
        if held:
            note = platform_text(gettext_lazy("留言已收到。因与您近期提交的留言内容相同，需经工作人员审核后再处理。"))
        else:
            note = platform_text(gettext_lazy("留言已收到，将由%(target)s办理。"), target=_target_name(station, deputy))
        tracking.track(congress, message, "received", public_note=note)
        if not held:
            _announce(congress, message)
    except BaseException:
        for name in stored:
            MessagePhoto.file.field.storage.delete(name)
        raise
    return message


def can_review_held(access: Access, message: PublicMessage) -> bool:
    """Release or discard a held message: the office, or the staff of the message's station."""
    return is_office(access) or is_station_staff(access, message)


def can_view_held_list(access: Access) -> bool:
    """The list of held messages: the office, and members made staff of a station here."""
    if is_office(access):
        return True
    return access.is_member and StationStaff.objects.filter(user_id=access.user.pk).exists()


def held_message_list(access: Access) -> QuerySet[PublicMessage]:
    """Held messages the caller may review (all for the office; their stations' for station staff), oldest first."""
    held = PublicMessage.objects.filter(status=MessageStatus.HELD).select_related("station", "deputy")
    if is_office(access):
        return held.order_by("created_at", "id")
    if not access.is_member:
        return held.none()
    stations = StationStaff.objects.filter(user_id=access.user.pk).values("station_id")
    return held.filter(station_id__in=stations).order_by("created_at", "id")


def held_message_get_for_user(access: Access, pk) -> PublicMessage | None:
    """A held message the caller may review; None when missing, not held, or not theirs to review."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    return held_message_list(access).filter(pk=pk).first()


def _require_reviewer(access: Access, message: PublicMessage | None) -> None:
    # SECURITY: an Access of one congress must never write into another congress's schema.
    if not in_schema_of(access.congress):
        raise PermissionDenied(_("只能在本级人大的平台上审核留言。"))
    if message is None or not can_review_held(access, message):
        raise PermissionDenied(_("只有人大办公室和该联络站的工作人员可以审核暂缓处理的留言。"))


def _review(access: Access, message: PublicMessage, action: str, to_status: str, reason: str, public_note: str):
    _require_reviewer(access, message)
    locked = PublicMessage.objects.select_for_update().filter(pk=message.pk).first()
    _require_reviewer(access, locked)
    assert locked is not None  # _require_reviewer refuses a missing message (PermissionDenied)
    if locked.status != MessageStatus.HELD:
        raise ValidationError(
            {"status": [_("这条留言不在待审核状态（现在：%(s)s）。") % {"s": locked.get_status_display()}]}
        )
    from_status = locked.status
    locked.status = to_status
    locked.save(update_fields=["status", "updated_at"])
    MessageEvent.objects.create(
        message=locked,
        actor=access.user,
        action=action,
        from_status=from_status,
        to_status=to_status,
        note=reason,
        public_note=public_note,
        data={"held_reason": locked.held_reason},
    )
    tracking.track(access.congress, locked, action, public_note=public_note)
    if to_status == MessageStatus.NEW:
        _announce(access.congress, locked)
    return locked


@transaction.atomic
def message_release(*, access: Access, message: PublicMessage) -> PublicMessage:
    """Release a held message (→ new): it reaches the deputies and staff who handle it, who are told in-app. The
    office or the staff of its station. Raises PermissionDenied, or ValidationError when it is no longer held."""
    return _review(
        access, message, "release", MessageStatus.NEW, "", platform_text(gettext_lazy("审核通过，留言已转交办理。"))
    )


@transaction.atomic
def message_discard(*, access: Access, message: PublicMessage, reason: str) -> PublicMessage:
    """Discard a held message (→ discarded, 不予受理) with the reason, which the sender reads under the tracking
    code. The office or the staff of its station. Raises PermissionDenied, or ValidationError (reason, status)."""
    _require_reviewer(access, message)
    reason = str(reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("请填写不予受理的原因，留言人会看到。")]})
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": [_("原因不能超过%(n)d个字。") % {"n": REASON_MAX}]})
    note = platform_text(gettext_lazy("不予受理：%(reason)s"), reason=reason)
    return _review(access, message, "discard", MessageStatus.DISCARDED, reason, note)
