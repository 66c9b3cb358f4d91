"""The public's personal information kept no longer than the congress's retention setting (issue 12, 个人信息
保护法): a closed message's sender mobile and photos are erased by the worker's job once the years are over; the
message, its answer and its history stay, and the erasure is in its history and the audit log."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from shared_apps.audit.models import AuditEntry
from tenant_apps.liaison import retention, tasks
from tenant_apps.liaison.models import MessageEvent, MessagePhoto, PublicMessage
from tests.support.images import image_bytes
from tests.support.liaison import ACTOR, PATHS, fresh

pytestmark = pytest.mark.usefixtures("clean_side_channels")


def png_upload() -> SimpleUploadedFile:
    return SimpleUploadedFile("photo.png", image_bytes("png"), content_type="image/png")


def _closed(desk, *, years_ago: float, photos=()):
    message = desk.send(photos=list(photos))
    for action in PATHS["closed"]:
        message = desk.act(message, ACTOR[action], action)
    with desk.qingyan:
        closed_at = timezone.now() - datetime.timedelta(days=round(365.25 * years_ago))
        PublicMessage.objects.filter(pk=message.pk).update(closed_at=closed_at)
    return fresh(desk.qingyan, message)


def test_a_message_closed_longer_than_the_retention_loses_the_senders_mobile_and_photos(
    desk, django_capture_on_commit_callbacks
):
    old = _closed(desk, years_ago=3.1, photos=[png_upload()])
    recent = _closed(desk, years_ago=2.9, photos=[png_upload()])
    with desk.qingyan:
        photo_name = MessagePhoto.objects.get(message=old).file.name
        storage = MessagePhoto._meta.get_field("file").storage
        assert storage.exists(photo_name)
    with django_capture_on_commit_callbacks(execute=True):
        erased = tasks.erase_personal(schema_name=desk.qingyan.schema_name)
    assert erased == 1
    with desk.qingyan:
        gone = PublicMessage.objects.get(pk=old.pk)
        assert (gone.sender_mobile_encrypted, gone.mobile_hash, gone.mobile_last4) == ("", "", "")
        assert gone.text == old.text and gone.reply_text == old.reply_text
        assert not MessagePhoto.objects.filter(message=old).exists() and not storage.exists(photo_name)
        assert MessageEvent.objects.filter(message=old, action="erase_personal").exists()
        kept = PublicMessage.objects.get(pk=recent.pk)
        assert kept.sender_mobile_encrypted and MessagePhoto.objects.filter(message=recent).exists()
    assert AuditEntry.objects.filter(action="message.erase_personal", congress=desk.qingyan.schema_name).exists()
    # A second run finds nothing more to erase.
    assert tasks.erase_personal(schema_name=desk.qingyan.schema_name) == 0


def test_the_congress_sets_the_years(desk):
    message = _closed(desk, years_ago=1.5)
    qingyan = desk.qingyan
    qingyan.preferences = {**qingyan.preferences, retention.RETENTION_KEY: 1}
    qingyan.save(update_fields=["preferences"])
    with qingyan:
        assert retention.erase_expired(qingyan) == 1
        assert PublicMessage.objects.get(pk=message.pk).mobile_last4 == ""


def test_open_messages_are_never_erased(desk):
    message = desk.send()
    with desk.qingyan:
        PublicMessage.objects.filter(pk=message.pk).update(created_at=timezone.now() - datetime.timedelta(days=4000))
        assert retention.erase_expired(desk.qingyan) == 0


def test_the_daily_sweep_queues_one_job_per_congress(desk, db):
    from procrastinate.contrib.django.models import ProcrastinateJob

    queued = tasks.sweep_retention(timestamp=int(timezone.now().timestamp()))
    assert queued >= 2
    jobs = ProcrastinateJob.objects.filter(task_name="liaison.erase_personal")
    assert jobs.count() == queued
    assert {job.args["schema_name"] for job in jobs} >= {desk.qingyan.schema_name, desk.huaxi.schema_name}
