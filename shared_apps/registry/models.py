"""The province-wide deputy registry (public schema): one Deputy per person, one Seat per term they serve.

A person elected at county and city tier is one Deputy with two Seats. National seats belong to the NPC,
which is not a tenant: their Term has no congress.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shared_apps.registry import crypto
from tenants.workflow.history import Event


class SeatTier(models.TextChoices):
    NATIONAL = "national", _("全国")
    PROVINCE = "province", _("省级")
    CITY = "city", _("市级")
    COUNTY = "county", _("县级")
    TOWNSHIP = "township", _("乡镇级")


class TermStatus(models.TextChoices):
    OPEN = "open", _("本届")
    CLOSED = "closed", _("已换届")


class Term(models.Model):
    """A congress's term (届), e.g. 第十四届. Records of a closed term stay readable and are no longer editable."""

    congress = models.ForeignKey(
        "tenants.Congress", null=True, blank=True, on_delete=models.PROTECT, related_name="terms"
    )
    tier = models.CharField(max_length=16, choices=SeatTier.choices)
    number = models.PositiveSmallIntegerField(_("届次"))
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"), null=True, blank=True)
    status = models.CharField(max_length=16, choices=TermStatus.choices, default=TermStatus.OPEN)

    class Meta:
        ordering = ["congress_id", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["congress", "number"], name="term_unique_number"),
            models.UniqueConstraint(
                fields=["number"], condition=Q(congress__isnull=True), name="term_unique_national_number"
            ),
            models.UniqueConstraint(fields=["congress"], condition=Q(status="open"), name="term_one_open_per_congress"),
            # NULLs are distinct in a unique index, so the NPC's single open term needs its own constraint.
            models.UniqueConstraint(
                fields=["tier"], condition=Q(congress__isnull=True, status="open"), name="term_one_open_national"
            ),
            models.CheckConstraint(
                condition=Q(congress__isnull=True, tier="national") | Q(congress__isnull=False) & ~Q(tier="national"),
                name="term_national_iff_no_congress",
            ),
        ]

    def __str__(self) -> str:
        return _("第%(n)d届") % {"n": self.number}

    @property
    def is_open(self) -> bool:
        return self.status == TermStatus.OPEN


class Constituency(models.Model):
    """An electoral district (选区) or, for indirect elections, the electing body (选举单位), in one term."""

    term = models.ForeignKey(Term, on_delete=models.CASCADE, related_name="constituencies")
    name = models.CharField(_("选区"), max_length=100)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["term", "name"], name="constituency_unique_name")]

    def __str__(self) -> str:
        return self.name


class Delegation(models.Model):
    """Deputies grouped by electing unit at a session, e.g. 贵阳市代表团 at the provincial congress."""

    term = models.ForeignKey(Term, on_delete=models.CASCADE, related_name="delegations")
    name = models.CharField(_("代表团"), max_length=100)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["term", "name"], name="delegation_unique_name")]

    def __str__(self) -> str:
        return self.name


class Gender(models.TextChoices):
    MALE = "male", _("男")
    FEMALE = "female", _("女")


class Deputy(models.Model):
    """A person in the registry. The ID and mobile numbers are stored encrypted, searchable by keyed hash,
    and shown masked to everyone but the few roles that need them (see permissions.can_view_identity)."""

    name = models.CharField(_("姓名"), max_length=50)
    gender = models.CharField(_("性别"), max_length=8, choices=Gender.choices)
    ethnicity = models.CharField(_("民族"), max_length=20, blank=True)
    date_of_birth = models.DateField(_("出生日期"), null=True, blank=True)
    party = models.CharField(_("党派"), max_length=40, blank=True)
    occupation = models.CharField(_("职业"), max_length=100, blank=True)
    work_unit = models.CharField(_("工作单位及职务"), max_length=200, blank=True)
    photo = models.ImageField(_("照片"), upload_to="deputies/", blank=True)
    biography = models.TextField(_("简介"), blank=True)
    id_number_token = models.TextField(editable=False)
    id_number_hash = models.CharField(max_length=64, unique=True, editable=False)
    id_number_masked = models.CharField(_("身份证号码"), max_length=18, editable=False)
    mobile_token = models.TextField(blank=True, editable=False)
    mobile_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    mobile_masked = models.CharField(_("手机号码"), max_length=11, blank=True, editable=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="deputy"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Not a field: set by directory.public_seats_prefetch (a Prefetch's to_attr) on the deputies it loads.
    public_seats: list["Seat"]

    class Meta:
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["name"])]

    def __str__(self) -> str:
        return self.name

    # SECURITY: the clear values are reachable only through these accessors; templates and serializers
    # use the *_masked columns unless permissions.can_view_identity allowed more.
    def reveal_id_number(self) -> str:
        return crypto.decrypt(self.id_number_token) if self.id_number_token else ""

    def reveal_mobile(self) -> str:
        return crypto.decrypt(self.mobile_token) if self.mobile_token else ""


class SeatStatus(models.TextChoices):
    SERVING = "serving", _("在任")
    RESIGNED = "resigned", _("辞职")
    REMOVED = "removed", _("罢免")
    DECEASED = "deceased", _("去世")
    TERM_ENDED = "term_ended", _("届满")


class Seat(models.Model):
    """One deputy's seat in one term of one congress (or of the NPC)."""

    deputy = models.ForeignKey(Deputy, on_delete=models.PROTECT, related_name="seats")
    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="seats")
    # Copied from the term so that a deputy's seats across congresses are one indexed query.
    congress = models.ForeignKey(
        "tenants.Congress", null=True, blank=True, on_delete=models.PROTECT, related_name="seats"
    )
    tier = models.CharField(max_length=16, choices=SeatTier.choices)
    constituency = models.ForeignKey(Constituency, null=True, blank=True, on_delete=models.PROTECT)
    delegation = models.ForeignKey(Delegation, null=True, blank=True, on_delete=models.PROTECT)
    starts_on = models.DateField(_("当选日期"))
    ends_on = models.DateField(_("终止日期"), null=True, blank=True)
    status = models.CharField(max_length=16, choices=SeatStatus.choices, default=SeatStatus.SERVING)

    class Meta:
        ordering = ["term__tier", "id"]
        constraints = [models.UniqueConstraint(fields=["deputy", "term"], name="seat_one_per_term")]
        indexes = [models.Index(fields=["congress", "status"]), models.Index(fields=["deputy", "status"])]

    def __str__(self) -> str:
        return f"{self.deputy} · {self.term}"

    @property
    def is_serving(self) -> bool:
        return self.status == SeatStatus.SERVING


class RegistryEvent(Event):
    """History of the registry: registrations, changes, seats added and ended, terms closed, identity views."""

    class Kind(models.TextChoices):
        REGISTERED = "registered", _("登记")
        UPDATED = "updated", _("修改")
        SEAT_ADDED = "seat_added", _("增加席位")
        SEAT_ENDED = "seat_ended", _("席位终止")
        TERM_OPENED = "term_opened", _("新一届开始")
        TERM_CLOSED = "term_closed", _("换届")
        IDENTITY_VIEWED = "identity_viewed", _("查看身份信息")
        ACCOUNT_CLAIMED = "account_claimed", _("认领账号")

    kind = models.CharField(max_length=32, choices=Kind.choices)
    deputy = models.ForeignKey(Deputy, null=True, blank=True, on_delete=models.CASCADE, related_name="events")
    term = models.ForeignKey(Term, null=True, blank=True, on_delete=models.CASCADE, related_name="events")
    # A public table: an account deleted later leaves the record, naming no one.
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)


class Invitation(models.Model):
    """An office's invitation to a deputy to claim their account. Only a hash of the token is stored."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("电子邮件")
        SMS = "sms", _("短信")

    deputy = models.ForeignKey(Deputy, on_delete=models.CASCADE, related_name="invitations")
    congress = models.ForeignKey("tenants.Congress", on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(max_length=8, choices=Channel.choices)
    email = models.EmailField(blank=True)
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
