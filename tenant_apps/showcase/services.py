"""Writes of the showcase: stories drafted and changed by the office, the deputies they name, their photos, and
the steps of the stories' workflow. Each checks permission, runs in one transaction and raises PermissionDenied or
ValidationError by field; on either nothing changes."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from shared_apps.memberships.permissions import Access
from shared_apps.registry.models import Deputy
from tenant_apps.duty.selectors import invitable_seats
from tenant_apps.showcase.models import Story, StoryDeputy, StoryEvent, StoryPhoto, StoryStatus
from tenant_apps.showcase.permissions import can_manage_stories, viewer_for
from tenant_apps.showcase.workflow import STORIES
from tenants.fields import max_length
from tenants.workflow import allowed_actions, apply_transition, lock, require_here
from tenants.workflow.history import record_event

TITLE_MAX = max_length(Story, "title")
BODY_MAX = 20000
PHOTOS_MAX = 9
ELSEWHERE = _("只能在本级人大处理本级的履职成绩。")


def _require_office(access: Access) -> None:
    require_here(access, ELSEWHERE)
    if not can_manage_stories(viewer_for(access)):
        raise PermissionDenied(_("只有人大机关工作人员可以编写履职成绩。"))


def _clean(access: Access, data: dict, *, partial: bool) -> tuple[dict, list[int] | None]:
    errors: dict[str, list[str]] = {}
    cleaned: dict = {}
    if not partial or "title" in data:
        title = str(data.get("title") or "").strip()
        if not title:
            errors["title"] = [_("请填写标题。")]
        elif len(title) > TITLE_MAX:
            errors["title"] = [_("标题不能超过%(n)d个字。") % {"n": TITLE_MAX}]
        cleaned["title"] = title
    if not partial or "body" in data:
        body = str(data.get("body") or "").strip()
        if not body:
            errors["body"] = [_("请填写正文。")]
        elif len(body) > BODY_MAX:
            errors["body"] = [_("正文不能超过%(n)d个字。") % {"n": BODY_MAX}]
        cleaned["body"] = body
    deputies = None
    if not partial or "deputies" in data:
        try:
            deputies = sorted({int(d) for d in data.get("deputies") or []})
        except (TypeError, ValueError):
            deputies = []
            errors["deputies"] = [_("代表编号无效。")]
        assert access.congress is not None  # _require_office: in this congress's schema
        seated = set(
            invitable_seats(access.congress).filter(deputy_id__in=deputies).values_list("deputy_id", flat=True)
        )
        if not deputies and "deputies" not in errors:
            errors["deputies"] = [_("请选择这篇成绩涉及的代表。")]
        elif set(deputies) - seated:
            errors["deputies"] = [_("只能选择本级及下级人大的在任代表。")]
    if errors:
        raise ValidationError(errors)
    return cleaned, deputies


def _set_deputies(story: Story, deputy_ids: list[int]) -> None:
    story.deputies.exclude(deputy_id__in=deputy_ids).delete()
    have = set(story.deputies.values_list("deputy_id", flat=True))
    names = dict(Deputy.objects.filter(pk__in=deputy_ids).values_list("pk", "name"))
    StoryDeputy.objects.bulk_create(
        [StoryDeputy(story=story, deputy_id=d, name=names[d]) for d in deputy_ids if d not in have]
    )


@transaction.atomic
def story_create(*, access: Access, data: dict) -> Story:
    _require_office(access)
    cleaned, deputies = _clean(access, data, partial=False)
    story = Story.objects.create(created_by=access.user, **cleaned)
    _set_deputies(story, deputies or [])
    record_event(StoryEvent, story, actor=access.user, action="created")
    return story


@transaction.atomic
def story_update(*, access: Access, story: Story, data: dict) -> Story:
    """Change a draft (a story sent back with the deputies' changes included)."""
    _require_office(access)
    locked = lock(story)
    if locked.is_received or locked.status != StoryStatus.DRAFT:
        raise ValidationError({"status": [_("只能修改草稿；已发送审阅的请等代表提出意见。")]})
    cleaned, deputies = _clean(access, data, partial=True)
    for name, value in cleaned.items():
        setattr(locked, name, value)
    locked.save(update_fields=[*cleaned, "updated_at"])
    if deputies is not None:
        _set_deputies(locked, deputies)
    record_event(StoryEvent, locked, actor=access.user, action="updated")
    return locked


@transaction.atomic
def photo_add(*, access: Access, story: Story, uploaded_file) -> StoryPhoto:
    from tenant_apps.suggestions.attachments import prepare_upload

    _require_office(access)
    locked = lock(story)
    if locked.is_received or locked.status != StoryStatus.DRAFT:
        raise ValidationError({"file": [_("只能为草稿上传照片（代表审阅的是定稿）。")]})
    if locked.photos.count() >= PHOTOS_MAX:
        raise ValidationError({"file": [_("每篇最多%(n)d张照片。") % {"n": PHOTOS_MAX}]})
    name, file_type = prepare_upload(uploaded_file)
    if not file_type.content_type.startswith("image/"):
        raise ValidationError({"file": [_("只能上传jpg或png格式的照片。")]})
    photo = StoryPhoto.objects.create(
        story=locked, file=uploaded_file, name=name, content_type=file_type.content_type, uploaded_by=access.user
    )
    record_event(StoryEvent, locked, actor=access.user, action="photo_added", data={"name": name})
    return photo


def story_transition(*, access: Access, story: Story, action: str, data: dict | None = None) -> Story:
    if action == "source_withdrew":
        raise ValidationError({"action": [_("未知的操作。")]})
    return apply_transition(STORIES, access=access, obj=story, action=action, data=data)


def story_actions(access, story: Story) -> list[str]:
    return allowed_actions(STORIES, access, story)
