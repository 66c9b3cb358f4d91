"""The showcase (代表风采, 工作成绩单): achievement stories the office publishes about its deputies' work.

A story is drafted by the office, read by every deputy it names (each agrees, or asks for changes with a reason),
then published on the congress's front page and on each deputy's page. A published story is offered to the
congress one tier up, through the exchange; there it arrives as a received copy that its office may feature
(shown with its source) or decline.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tenant_apps.suggestions.models import get_private_storage
from tenants.workflow.history import TransitionEvent


class StoryStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    REVIEW = "review", _("代表审阅中")
    APPROVED = "approved", _("代表已同意")
    PUBLISHED = "published", _("已发布")
    WITHDRAWN = "withdrawn", _("已撤下")
    # A story received from the congress below:
    OFFERED = "offered", _("下级推荐")
    FEATURED = "featured", _("已选登")
    DECLINED = "declined", _("未选登")


class Story(models.Model):
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("正文"))
    status = models.CharField(max_length=16, choices=StoryStatus.choices, default=StoryStatus.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True)
    # A received copy: the congress below that published it, its id there, the address of the original.
    source_congress = models.ForeignKey(
        "tenants.Congress", db_constraint=False, on_delete=models.DO_NOTHING, related_name="+", null=True, blank=True
    )
    source_name = models.CharField(max_length=100, blank=True)
    source_story_id = models.PositiveIntegerField(null=True, blank=True)
    source_url = models.CharField(max_length=500, blank=True)
    transfer_id = models.UUIDField(null=True, blank=True, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        db_constraint=False,
        on_delete=models.DO_NOTHING,
        related_name="+",
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-published_at", "-created_at", "-id"]
        indexes = [models.Index(fields=["status", "published_at"], name="showcase_story_by_status")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_received(self) -> bool:
        return self.source_congress_id is not None

    @property
    def is_public(self) -> bool:
        return self.status in (StoryStatus.PUBLISHED, StoryStatus.FEATURED)


class StoryDeputy(models.Model):
    """A deputy the story names: they read it before it is published (`agreed_at`)."""

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="deputies")
    deputy = models.ForeignKey("registry.Deputy", db_constraint=False, on_delete=models.DO_NOTHING, related_name="+")
    # A received copy names the deputies by name only (they may sit in no congress of this host).
    name = models.CharField(max_length=50)
    agreed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["story", "deputy"], name="showcase_story_deputy_once")]


class StoryEvent(TransitionEvent):
    subject_field = "story"
    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="events")


class StoryPhoto(models.Model):
    """A photo of a story: private storage, shown to everyone once the story is public."""

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(storage=get_private_storage, upload_to="showcase/%Y/%m/", max_length=300)
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, db_constraint=False, on_delete=models.DO_NOTHING, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
