"""The sender's tracking page and endpoint: the tracking code and the mobile's last four digits → every step of
the matter, in whichever congress it now is. Served on every congress host and on the root domain (an escalated
matter moves between congresses), reading only the public tracker (exchange.TrackedMatter / TrackedStep): no
request here visits a congress's schema.

A wrong code and a wrong number get the same "not found" answer, and lookups are limited per address.
"""

from django import forms
from django.shortcuts import render
from django.urls import path
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from tenant_apps.liaison import abuse, tracking
from tenant_apps.liaison.models import MessageStatus
from tenants.api_base import CongressApiView, PlatformApiView


def status_label(value: str) -> str | Promise:
    return MessageStatus(value).label if value in MessageStatus.values else value


def not_found_text() -> str:
    return _("没有找到这条留言。请核对查询码和手机号码后四位。")


def too_many_text() -> str:
    return _("查询过于频繁，请10分钟后再试。")


def lookup(request, code: str, last4: str) -> tuple[dict | None, str]:
    """(the matter as the sender sees it, or None; the refusal when lookups from this address are over the limit)."""
    if not abuse.lookup_allowed(abuse.client_address(request)):
        return None, too_many_text()
    found = tracking.matter_for(code, last4)
    if found is None:
        return None, ""
    matter, steps = found
    return {
        "code": matter.code,
        "status": matter.status,
        "status_label": status_label(matter.status),
        "congress": matter.congress.name,
        "steps": [
            {
                "congress": step.congress.name,
                "status": step.status,
                "status_label": status_label(step.status),
                "public_note": step.public_note,
                "created_at": step.created_at,
            }
            for step in steps
        ],
    }, ""


class TrackForm(forms.Form):
    code = forms.CharField(label=gettext_lazy("查询码"), max_length=16)
    last4 = forms.CharField(
        label=gettext_lazy("手机号码后四位"),
        min_length=4,
        max_length=4,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


def track(request):
    """Anyone, on any host: follow a message with its code and the mobile's last four digits."""
    form = TrackForm(request.POST or None, initial={"code": request.GET.get("code", "")})
    matter, refusal = None, ""
    if request.method == "POST" and form.is_valid():
        matter, refusal = lookup(request, form.cleaned_data["code"], form.cleaned_data["last4"])
        if matter is None and not refusal:
            refusal = not_found_text()
    return render(request, "liaison/track.html", {"form": form, "matter": matter, "refusal": refusal})


# -- API ---------------------------------------------------------------------------------------------------


class TrackedStepSerializer(serializers.Serializer):
    congress = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField()
    public_note = serializers.CharField()
    created_at = serializers.DateTimeField()


class TrackedMatterSerializer(serializers.Serializer):
    code = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField()
    congress = serializers.CharField()
    steps = TrackedStepSerializer(many=True)


class _TrackLookup:
    @extend_schema(
        parameters=[
            OpenApiParameter("code", str, required=True, description="查询码"),
            OpenApiParameter("last4", str, required=True, description="手机号码后四位"),
        ],
        responses={
            200: TrackedMatterSerializer,
            404: OpenApiResponse(description="no such code with these digits (the same answer for either)"),
            429: OpenApiResponse(description="too many lookups from this address"),
        },
    )
    def get(self, request):
        code, last4 = request.query_params.get("code", ""), request.query_params.get("last4", "")
        matter, refusal = lookup(request._request, code, last4)
        if refusal:
            return Response({"detail": refusal}, status=status.HTTP_429_TOO_MANY_REQUESTS)
        if matter is None:
            return Response({"detail": not_found_text()}, status=status.HTTP_404_NOT_FOUND)
        return Response(TrackedMatterSerializer(matter).data)


class MessageTrackApi(_TrackLookup, CongressApiView):
    """Anyone: a message's steps by its tracking code and the mobile's last four digits."""


class PlatformMessageTrackApi(_TrackLookup, PlatformApiView):
    """Anyone, on the root domain: a message's steps by its tracking code and the mobile's last four digits."""


# The root domain's routes (config/urls_public.py includes them under the namespace "liaison").
root_urlpatterns = [
    path("liaison/track/", track, name="track"),
    path("api/v1/liaison/track/", PlatformMessageTrackApi.as_view(), name="track_api"),
]
