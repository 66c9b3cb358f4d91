"""Keeping the public's personal information no longer than needed (个人信息保护法 Art. 19): a sender's mobile
number (encrypted, its keyed hash and last four digits) and the photos sent with a message are erased once the
message has been closed for the congress's retention setting (`liaison.personal_retention_years`, default 3).
The message, its answer and its history stay; the erasure writes a history row (and so an audit row).

Run by the worker, one job per congress (tasks.erase_personal); never by a request.
"""

import datetime
import functools

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from tenant_apps.liaison.models import MessageEvent, MessagePhoto, PublicMessage
from tenants.preferences import SettingSpec, register_spec
from tenants.selectors import effective_settings
from tenants.workflow.history import record_event

RETENTION_KEY = "liaison.personal_retention_years"


def register_specs() -> None:
    register_spec(
        SettingSpec(
            RETENTION_KEY,
            "留言人手机号码和照片的保存年限（办结后）",
            "Keep senders' mobile numbers and photos for (years after closing)",
            kind="int",
            default=3,
            min_value=1,
            max_value=30,
            help_zh="留言办结满这一年限后，由系统删除留言人的手机号码和随留言上传的照片，留言内容和答复保留。",
        )
    )


def retention_cutoff(congress, now: datetime.datetime | None = None) -> datetime.datetime:
    years = effective_settings(congress)[RETENTION_KEY]
    return (now or timezone.now()) - datetime.timedelta(days=round(365.25 * years))


def _delete_files(storage, names: list[str]) -> None:
    for name in names:
        storage.delete(name)


def erase_expired(congress, *, now: datetime.datetime | None = None) -> int:
    """Erase the personal information of `congress`'s messages closed before the retention cutoff (the
    connection must be in its schema). Returns how many messages were erased; a second run finds none."""
    photos = MessagePhoto.objects.filter(message=OuterRef("pk"))
    due = PublicMessage.objects.filter(closed_at__lt=retention_cutoff(congress, now)).filter(
        ~Q(sender_mobile_encrypted="") | ~Q(mobile_last4="") | Q(Exists(photos))
    )
    erased = 0
    for message in due.only("pk", "status").iterator(chunk_size=500):
        with transaction.atomic():
            files = [photo.file.name for photo in message.photos.all()]
            storage = MessagePhoto._meta.get_field("file").storage
            message.photos.all().delete()
            PublicMessage.objects.filter(pk=message.pk).update(
                sender_mobile_encrypted="", mobile_hash="", mobile_last4=""
            )
            record_event(MessageEvent, message, actor=None, action="erase_personal", data={"photos": len(files)})
            # The files go once the rows are gone for good (a rollback keeps both).
            transaction.on_commit(functools.partial(_delete_files, storage, files))
        erased += 1
    return erased
