"""REST API of the platform's administration of congresses, on the root domain (tokens, congresses,
provisioning, defaults) and on each congress host (tokens, the congress, its settings)."""

from allauth.account.adapter import get_adapter
from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import AuthenticationFailed, PermissionDenied, Throttled
from rest_framework.response import Response

from console import bulk, services
from console.serializers import (
    ConfigurationSerializer,
    CongressSerializer,
    ConsoleBatchInputSerializer,
    ConsoleBatchSerializer,
    ProvisioningInputSerializer,
    ProvisioningRequestSerializer,
    StatusInputSerializer,
    TokenInputSerializer,
    TokenSerializer,
)
from console.specs import CongressSpec
from shared_apps.memberships.api_base import CongressApiView, PlatformApiView
from shared_apps.memberships.permissions import can_configure_congress, can_use_console
from shared_apps.memberships.selectors import congresses_for_user
from shared_apps.security import limiter, mfa, tokens
from tenants import selectors
from tenants.addresses import client_address
from tenants.api import call_service
from tenants.models import Congress, ProvisioningBatch, ProvisioningSource
from tenants.modules import all_modules


class _TokenObtain:
    """Exchange an email and password for an API token of one device (mobile clients). Valid on every host.

    The password is checked by the account adapter, so the lockout of the sign-in form holds here too. No
    Idempotency-Key: its answer is a new token, which is not kept anywhere for a replay."""

    idempotent = False

    @extend_schema(
        request=TokenInputSerializer,
        responses={
            201: TokenSerializer,
            400: OpenApiResponse(description="Malformed input, by field."),
            401: OpenApiResponse(
                description="Wrong email or password, a disabled account, or a missing or wrong second-factor code."
            ),
            403: OpenApiResponse(description="The account must enrol a second factor on the web first."),
            429: OpenApiResponse(description="Locked after too many failures; `Retry-After` says for how long."),
        },
    )
    def post(self, request):
        data = TokenInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        credentials = {"email": data.validated_data["email"], "password": data.validated_data["password"]}
        try:
            user = get_adapter(request._request).authenticate(request._request, **credentials)
        except DjangoValidationError as exc:
            until = limiter.locked_until("login", account=credentials["email"], address=client_address(request))
            wait = (until - timezone.now()).total_seconds() if until else None
            raise Throttled(wait=wait, detail=" ".join(exc.messages)) from None
        if user is None or not user.is_active:
            # SECURITY: one answer for a wrong password, an unknown email and a disabled account: no probing accounts.
            raise AuthenticationFailed("邮箱或密码不正确。")
        self._second_factor(request, user, data.validated_data["code"])
        token, key = tokens.issue(user, data.validated_data["device"], request=request._request)
        return Response({"token": key, "device": token.device, "expires_at": token.expires_at}, status=201)

    def _second_factor(self, request, user, code: str) -> None:
        """An account with a second factor gives its current code too (a wrong one counts as a failed sign-in);
        one that must have a second factor and has none enrols on the web first."""
        if mfa.has_second_factor(user):
            if not code:
                raise AuthenticationFailed("请同时提供身份验证器中的动态码（code）。")
            if not mfa.verify_code(user, code):
                limiter.failed("login", account=user.email, address=client_address(request))
                raise AuthenticationFailed("动态码不正确。")
        elif mfa.mfa_required(user):
            raise PermissionDenied("您的角色要求使用双因素认证，请先在网页上启用后再登录客户端。")


class _MyCongresses:
    """The switcher: the caller's congresses and roles in them."""

    @extend_schema(
        responses=inline_serializer(
            "MyCongress",
            {"congress": CongressSerializer(), "roles": serializers.ListField(child=serializers.CharField())},
            many=True,
        )
    )
    def get(self, request):
        self.require(self.access.is_authenticated)
        entries = congresses_for_user(request.user)
        return Response(
            [
                {"congress": CongressSerializer(e["congress"]).data, "roles": [str(r) for r in e["roles"]]}
                for e in entries
            ]
        )


class PlatformTokenObtainApi(_TokenObtain, PlatformApiView):
    pass


class CongressTokenObtainApi(_TokenObtain, CongressApiView):
    pass


class PlatformMyCongressesApi(_MyCongresses, PlatformApiView):
    pass


class CongressMyCongressesApi(_MyCongresses, CongressApiView):
    pass


class CongressListApi(PlatformApiView):
    """Every active congress of the province (public), in division-code order."""

    @extend_schema(responses=CongressSerializer(many=True))
    def get(self, request):
        congresses = selectors.congress_list_public()
        return Response(CongressSerializer(congresses, many=True).data)


class CongressStatusApi(PlatformApiView):
    """Suspend, archive or reactivate a congress (provincial platform administrators)."""

    @extend_schema(request=StatusInputSerializer, responses=CongressSerializer)
    def post(self, request, division_code: str):
        self.require(can_use_console(self.access))
        # SECURITY: permission before the lookup, so a 404 tells an outsider nothing about which codes exist.
        congress = get_object_or_404(Congress, division_code=division_code)
        data = StatusInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        congress = call_service(
            services.congress_set_status, access=self.access, congress=congress, **data.validated_data
        )
        return Response(CongressSerializer(congress).data)


class ProvisioningListCreateApi(PlatformApiView):
    """List provisioning records, or ask for a new congress (answered at once with 202; the worker builds it)."""

    @extend_schema(responses=ProvisioningRequestSerializer(many=True))
    def get(self, request):
        self.require(can_use_console(self.access))
        return Response(ProvisioningRequestSerializer(selectors.provisioning_list()[:200], many=True).data)

    @extend_schema(request=ProvisioningInputSerializer, responses={202: ProvisioningRequestSerializer})
    def post(self, request):
        self.require(can_use_console(self.access))
        data = ProvisioningInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        spec = CongressSpec(parent=values.pop("parent_code"), **values)
        provisioning = call_service(
            services.provisioning_request, access=self.access, spec=spec, source=ProvisioningSource.API
        )
        return Response(ProvisioningRequestSerializer(provisioning).data, status=status.HTTP_202_ACCEPTED)


class ProvisioningDetailApi(PlatformApiView):
    """One provisioning record: poll it until `status` is succeeded or failed."""

    @extend_schema(responses=ProvisioningRequestSerializer)
    def get(self, request, pk: int):
        self.require(can_use_console(self.access))
        provisioning = get_object_or_404(selectors.provisioning_list(), pk=pk)
        return Response(ProvisioningRequestSerializer(provisioning).data)


def _batch_payload(batch: ProvisioningBatch) -> dict:
    return {
        "batch": batch,
        "progress": bulk.batch_progress(batch),
        "failures": batch.requests.filter(status="failed")
        .order_by("pk")
        .values("id", "division_code", "name", "error")[:200],
    }


class ProvisioningBatchCreateApi(PlatformApiView):
    """Provision a tree from one CSV file: checked whole (400 naming every bad line, nothing made), then queued;
    parents are made before children. Answered at once with 202; poll the batch."""

    @extend_schema(
        request={"multipart/form-data": ConsoleBatchInputSerializer}, responses={202: ConsoleBatchSerializer}
    )
    def post(self, request):
        self.require(can_use_console(self.access))
        data = ConsoleBatchInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        name, text = data.validated_data["file"]
        batch = call_service(
            bulk.batch_create, access=self.access, text=text, file_name=name, source=ProvisioningSource.API
        )
        return Response(ConsoleBatchSerializer(_batch_payload(batch)).data, status=status.HTTP_202_ACCEPTED)


class ProvisioningBatchDetailApi(PlatformApiView):
    """Where a batch stands: counts by status, and the rows that failed with why."""

    @extend_schema(responses=ConsoleBatchSerializer)
    def get(self, request, pk: int):
        self.require(can_use_console(self.access))
        batch = get_object_or_404(ProvisioningBatch, pk=pk)
        return Response(ConsoleBatchSerializer(_batch_payload(batch)).data)


class PlatformDefaultsApi(PlatformApiView):
    """The modules and settings new congresses start with (provincial platform administrators)."""

    @extend_schema(responses=ConfigurationSerializer)
    def get(self, request):
        self.require(can_use_console(self.access))
        defaults = selectors.platform_defaults()
        return Response({"modules": defaults.default_modules, "preferences": defaults.preferences})

    @extend_schema(request=ConfigurationSerializer, responses=ConfigurationSerializer)
    def put(self, request):
        self.require(can_use_console(self.access))
        data = ConfigurationSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        defaults = call_service(
            services.platform_defaults_update,
            access=self.access,
            modules=data.validated_data["modules"],
            preferences=data.validated_data["preferences"],
        )
        return Response({"modules": defaults.default_modules, "preferences": defaults.preferences})


class CongressDetailApi(CongressApiView):
    """This congress: its public facts, modules and terminology."""

    @extend_schema(
        responses=inline_serializer(
            "CongressDetail",
            {
                "congress": CongressSerializer(),
                "modules": serializers.ListField(child=serializers.DictField()),
                "terminology": serializers.DictField(),
            },
        )
    )
    def get(self, request):
        # Public, like the congress's front page: no require().
        settings = selectors.effective_settings(self.congress)
        modules = [{"key": m.key, "label": m.label} for m in all_modules() if m.key in self.congress.enabled_modules]
        return Response(
            {
                "congress": CongressSerializer(self.congress).data,
                "modules": modules,
                "terminology": settings["terminology"],
            }
        )


CONGRESS_SETTINGS = inline_serializer(
    "CongressSettings",
    {
        "modules": serializers.ListField(child=serializers.CharField()),
        "preferences": serializers.DictField(),
        "effective": serializers.DictField(),
    },
)


class CongressSettingsApi(CongressApiView):
    """This congress's modules and own settings (its administrators). GET also shows the values in force."""

    @extend_schema(responses=CONGRESS_SETTINGS)
    def get(self, request):
        self.require(can_configure_congress(self.access))
        return Response(self._payload(self.congress))

    @extend_schema(request=ConfigurationSerializer, responses=CONGRESS_SETTINGS)
    def put(self, request):
        self.require(can_configure_congress(self.access))
        data = ConfigurationSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        congress = call_service(
            services.congress_configure,
            access=self.access,
            congress=self.congress,
            modules=data.validated_data["modules"],
            preferences=data.validated_data["preferences"],
        )
        return Response(self._payload(congress))

    def _payload(self, congress):
        return {
            "modules": sorted(congress.enabled_modules),
            "preferences": congress.preferences,
            "effective": selectors.effective_settings(congress),
        }
