from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from console import bulk
from tenants.models import Congress, ProvisioningRequest
from tenants.modules import module_keys
from tenants.validators import TIER_ORDER


class CongressSerializer(serializers.ModelSerializer):
    parent_code = serializers.CharField(source="parent.division_code", default=None, read_only=True, allow_null=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = Congress
        fields = ["division_code", "name", "tier", "parent_code", "subdomain", "status", "url"]

    def get_url(self, congress: Congress) -> str:
        return congress.url()


class ProvisioningInputSerializer(serializers.Serializer):
    """Input of a provisioning: the parent is named by its division code."""

    tier = serializers.ChoiceField(choices=TIER_ORDER)
    parent_code = serializers.CharField(max_length=12, required=False, allow_blank=True, default="")
    division_code = serializers.CharField(max_length=12)
    name = serializers.CharField(max_length=100)
    subdomain = serializers.CharField(max_length=40)
    admin_email = serializers.EmailField(required=False, allow_blank=True, default="")

    def validate_parent_code(self, value: str) -> Congress | None:
        if not value:
            return None
        parent = Congress.objects.filter(division_code=value).first()
        if parent is None:
            raise serializers.ValidationError("没有区划代码为 %s 的人大。" % value)
        return parent


class ProvisioningRequestSerializer(serializers.ModelSerializer):
    parent_code = serializers.CharField(source="parent.division_code", default=None, read_only=True, allow_null=True)
    congress_url = serializers.SerializerMethodField()
    requested_by = serializers.CharField(source="requested_by.email", default=None, read_only=True, allow_null=True)

    class Meta:
        model = ProvisioningRequest
        fields = [
            "id",
            "status",
            "source",
            "tier",
            "parent_code",
            "division_code",
            "name",
            "subdomain",
            "admin_email",
            "requested_by",
            "actor_label",
            "requested_at",
            "started_at",
            "finished_at",
            "duration_ms",
            "used_spare",
            "error",
            "congress_url",
        ]

    def get_congress_url(self, request: ProvisioningRequest) -> str | None:
        return request.congress.url() if request.congress else None


class StatusInputSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["active", "suspended", "archived"])
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)


class ConfigurationSerializer(serializers.Serializer):
    """Modules and settings, for the province defaults and for one congress alike."""

    modules = serializers.ListField(child=serializers.CharField(max_length=40))
    preferences = serializers.DictField(required=False, default=dict)

    def validate_modules(self, value: list[str]) -> list[str]:
        unknown = set(value) - module_keys()
        if unknown:
            raise serializers.ValidationError("未知的模块：%s。" % ", ".join(sorted(unknown)))
        return value


class TokenInputSerializer(serializers.Serializer):
    email = serializers.EmailField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)
    # One token per device: signing in again from the same device replaces its token.
    device = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    # The current code of the account's authenticator app, or one of its recovery codes, if it has a second factor.
    code = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Send as `Authorization: Token <token>`; shown once.")
    device = serializers.CharField()
    expires_at = serializers.DateTimeField()


class ConsoleBatchInputSerializer(serializers.Serializer):
    """A tree CSV (tier,parent,code,name,subdomain[,admin_email]), UTF-8, as a multipart upload."""

    file = serializers.FileField(help_text="One congress per row: tier,parent,code,name,subdomain[,admin_email].")

    def validate_file(self, upload):
        try:
            return bulk.read_upload(upload)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from None


class ConsoleBatchFailureSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    division_code = serializers.CharField()
    name = serializers.CharField()
    error = serializers.CharField()


class ConsoleBatchSerializer(serializers.Serializer):
    """Where a batch stands: poll until `finished`."""

    id = serializers.IntegerField(source="batch.pk")
    file_name = serializers.CharField(source="batch.file_name")
    rows = serializers.IntegerField(source="progress.total")
    already_there = serializers.IntegerField(source="progress.already_there")
    queued = serializers.IntegerField(source="progress.queued")
    running = serializers.IntegerField(source="progress.running")
    succeeded = serializers.IntegerField(source="progress.succeeded")
    failed = serializers.IntegerField(source="progress.failed")
    percent = serializers.IntegerField(source="progress.percent")
    finished = serializers.BooleanField(source="progress.is_finished")
    failures = ConsoleBatchFailureSerializer(many=True)
