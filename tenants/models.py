from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tenants.workflow.history import Event, TransitionEvent

if TYPE_CHECKING:
    from typing import Self

    # django-tenants ships no type information: to mypy its mixins would be Any, so Congress and Domain would not
    # be models at all (no field types, no managers). These declare the part of the mixins the project uses; at
    # run time the real ones are imported.
    class TenantMixin(models.Model):
        auto_create_schema: bool
        auto_drop_schema: bool
        schema_name = models.CharField(max_length=63, unique=True)
        domain_url: str | None  # the host of the current request, set by the middleware

        class Meta:
            abstract = True

        def __enter__(self) -> Self: ...  # `with congress:` runs the block in its schema
        def __exit__(self, *exc_info: object) -> None: ...

    class DomainMixin(models.Model):
        domain = models.CharField(max_length=253, unique=True)
        tenant = models.ForeignKey(settings.TENANT_MODEL, on_delete=models.CASCADE, related_name="domains")
        is_primary = models.BooleanField(default=True)

        class Meta:
            abstract = True

else:
    from django_tenants.models import DomainMixin, TenantMixin


class Tier(models.TextChoices):
    PROVINCE = "province", _("省级")
    CITY = "city", _("市级")
    COUNTY = "county", _("县级")
    TOWNSHIP = "township", _("乡镇级")


class CongressStatus(models.TextChoices):
    ACTIVE = "active", _("正常")
    SUSPENDED = "suspended", _("已暂停")
    ARCHIVED = "archived", _("已归档")


class Congress(TenantMixin):
    """A local people's congress: one PostgreSQL schema and one subdomain."""

    # Schemas are made by cloning the template (tenants.schemas), never by django-tenants on save().
    auto_create_schema = False
    auto_drop_schema = False

    tier = models.CharField(_("层级"), max_length=16, choices=Tier.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级人大"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    division_code = models.CharField(_("区划代码"), max_length=12, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    subdomain = models.CharField(_("子域名"), max_length=40, unique=True)
    status = models.CharField(_("状态"), max_length=16, choices=CongressStatus.choices, default=CongressStatus.ACTIVE)
    enabled_modules = ArrayField(models.CharField(max_length=40), default=list, blank=True)
    # Only the settings this congress changed; the rest fall back to the province defaults (preferences.py).
    preferences = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The migration set (tenants.schemas.code_fingerprint) the schema was last brought to: `migrate` finds the
    # schemas behind with one query on this column instead of visiting each.
    migrated_fingerprint = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = _("人大")
        verbose_name_plural = _("人大")
        ordering = ["division_code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(tier="province", parent__isnull=True) | (~Q(tier="province") & Q(parent__isnull=False)),
                name="congress_parent_iff_not_province",
            ),
            models.CheckConstraint(condition=Q(division_code__regex=r"^\d{12}$"), name="congress_code_12_digits"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.status == CongressStatus.ACTIVE

    def host(self) -> str:
        return f"{self.subdomain}.{settings.ROOT_DOMAIN}"

    def url(self, path: str = "/") -> str:
        from tenants.hosts import absolute_url

        return absolute_url(self.host(), path)


class Domain(DomainMixin):
    """A host name that answers for a congress (its <subdomain>.<root domain>, or a custom one)."""

    class Meta:
        verbose_name = _("域名")
        verbose_name_plural = _("域名")


class ProvisioningSource(models.TextChoices):
    CONSOLE = "console", _("管理后台")
    CLI = "cli", _("命令行")
    API = "api", _("接口")
    BULK = "bulk", _("批量导入")
    DEMO = "demo", _("演示数据")


class ProvisioningStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("创建中")
    SUCCEEDED = "succeeded", _("已完成")
    FAILED = "failed", _("失败")


PENDING_STATUSES = (ProvisioningStatus.QUEUED, ProvisioningStatus.RUNNING)


class BatchStatus(models.TextChoices):
    RUNNING = "running", _("进行中")
    FINISHED = "finished", _("已结束")


class ProvisioningBatch(models.Model):
    """A province's tree (or part of it) asked for from one CSV file: its rows are provisioning requests, made
    parents before children; `console.bulk` runs it, by the worker or by a command's own processes."""

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=100, blank=True)
    source = models.CharField(max_length=16, choices=ProvisioningSource.choices)
    file_name = models.CharField(max_length=200, blank=True)
    rows = models.PositiveIntegerField(default=0)  # rows in the file
    already_there = models.PositiveIntegerField(default=0)  # rows skipped: their congress existed just so
    # Whether the worker carries the requests out (console, API), or the command that made the batch does.
    by_worker = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Finished once none of its requests is pending: the uploader is told then, once (console.batches).
    status = models.CharField(max_length=16, choices=BatchStatus.choices, default=BatchStatus.RUNNING)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.file_name or self.pk} ({self.rows})"


class ProvisioningRequest(models.Model):
    """One request to create a congress: who asked, for what, when, and how it ended."""

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Who asked when no signed-in user did (e.g. the operating-system user behind a management command).
    actor_label = models.CharField(max_length=100, blank=True)
    source = models.CharField(max_length=16, choices=ProvisioningSource.choices)
    parent = models.ForeignKey(Congress, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    tier = models.CharField(max_length=16, choices=Tier.choices)
    division_code = models.CharField(max_length=12)
    name = models.CharField(max_length=100)
    subdomain = models.CharField(max_length=40)
    admin_email = models.EmailField(blank=True)
    status = models.CharField(max_length=16, choices=ProvisioningStatus.choices, default=ProvisioningStatus.QUEUED)
    congress = models.ForeignKey(Congress, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    used_spare = models.BooleanField(default=False)
    error = models.TextField(blank=True)
    requested_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    # A row of a batch whose parent is made by the same batch waits with the parent's code and no `parent`;
    # the parent's success sets `parent` and releases it (console.bulk.release_children).
    batch = models.ForeignKey(
        ProvisioningBatch, null=True, blank=True, on_delete=models.CASCADE, related_name="requests"
    )
    parent_code = models.CharField(max_length=12, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            # Two pending requests can never race for the same code or subdomain.
            models.UniqueConstraint(
                fields=["division_code"],
                condition=Q(status__in=PENDING_STATUSES),
                name="provisioning_pending_code",
            ),
            models.UniqueConstraint(
                fields=["subdomain"],
                condition=Q(status__in=PENDING_STATUSES),
                name="provisioning_pending_subdomain",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_status_display()})"

    @property
    def is_pending(self) -> bool:
        return self.status in PENDING_STATUSES

    @property
    def is_waiting(self) -> bool:
        """A batch's row whose parent the batch has not made yet."""
        return self.parent_id is None and bool(self.parent_code)


class ProvisioningClaim(models.Model):
    """Who is carrying a provisioning request out now (the worker or a command, on which host, as which process),
    and until when their lease runs: renewed while they work, shown on the console. Whether the claim is alive is
    told by the claimant's advisory lock, which PostgreSQL drops when the process dies (console.provisioning)."""

    request = models.OneToOneField(
        ProvisioningRequest, primary_key=True, on_delete=models.CASCADE, related_name="claim"
    )
    owner = models.CharField(max_length=200)  # e.g. "command@host:1234"
    claimed_at = models.DateTimeField()
    expires_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.owner} until {self.expires_at:%H:%M:%S}"


class ProvisioningEvent(TransitionEvent):
    """History of a provisioning request: requested, started, succeeded or failed (console.provisioning)."""

    subject_field = "request"
    request = models.ForeignKey(ProvisioningRequest, on_delete=models.CASCADE, related_name="events")
    # A public table: an account deleted later leaves the record, naming no one.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    to_status = models.CharField(max_length=16, choices=ProvisioningStatus.choices)


class ProvisioningBatchEvent(TransitionEvent):
    """History of a batch: it finished (console.batches)."""

    subject_field = "batch"
    batch = models.ForeignKey(ProvisioningBatch, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    to_status = models.CharField(max_length=16, choices=BatchStatus.choices)


class CongressEvent(Event):
    """History of a congress: creation, status changes, module and settings changes."""

    class Kind(models.TextChoices):
        CREATED = "created", _("创建")
        STATUS_CHANGED = "status_changed", _("状态变更")
        MODULES_CHANGED = "modules_changed", _("模块变更")
        PREFERENCES_CHANGED = "preferences_changed", _("设置变更")

    subject_field = "congress"
    congress = models.ForeignKey(Congress, on_delete=models.CASCADE, related_name="events")
    # A public table: an account deleted later leaves the record, naming no one.
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    kind = models.CharField(max_length=32, choices=Kind.choices)


class SpareSchema(models.Model):
    """A schema already cloned from the template, waiting to be renamed and claimed by a new congress."""

    schema_name = models.CharField(max_length=63, unique=True)
    fingerprint = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)


class TemplateSnapshot(models.Model):
    """The template schema's DDL as `tenants.ddl.capture` read it, for one migration set (fingerprint): what a
    new congress's schema is made from. Written by `migrate`, or by the first clone after it."""

    fingerprint = models.CharField(max_length=64, unique=True)
    ddl = models.TextField()
    data_tables = models.JSONField(default=list)  # [[table, [column, …]], …]: tables holding template rows
    sequences = models.JSONField(default=list)
    captured_at = models.DateTimeField(auto_now_add=True)


class HostsGeneration(models.Model):
    """One row (pk=1) whose value goes up, at commit, with every change to a congress or a domain row (database
    triggers, migration 0006): whatever made the change, the admin and the shell included. A web process that
    sees the value unchanged keeps the congresses it remembers for its hosts (tenants.middleware)."""

    value = models.BigIntegerField(default=0)

    @classmethod
    def current(cls) -> int | None:
        return cls.objects.filter(pk=1).values_list("value", flat=True).first()


class PlatformDefaults(models.Model):
    """The provincial administrator's defaults for new congresses (a single row, pk=1)."""

    default_modules = ArrayField(models.CharField(max_length=40), default=list, blank=True)
    preferences = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(pk=1), name="platform_defaults_single_row")]
