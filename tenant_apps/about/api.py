from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from shared_apps.memberships.api_base import CongressApiView
from tenant_apps.about import selectors, services
from tenant_apps.about.models import Contact, Profile
from tenant_apps.about.permissions import can_edit_profile
from tenants.api import call_service


class ContactSerializer(serializers.ModelSerializer):
    class Meta:
        model = Contact
        fields = ["department", "phone", "email"]


class ProfileSerializer(serializers.ModelSerializer):
    contacts = ContactSerializer(many=True, required=False, write_only=True)

    class Meta:
        model = Profile
        fields = ["introduction", "address", "postcode", "phone", "email", "reception_hours", "contacts"]


class ProfileApi(CongressApiView):
    """The congress's about page: anyone may read it; office staff and administrators change it."""

    @extend_schema(responses=ProfileSerializer)
    def get(self, request):
        return Response(self._payload())

    @extend_schema(request=ProfileSerializer, responses=ProfileSerializer)
    def patch(self, request):
        self.require(can_edit_profile(self.access))
        data = ProfileSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        # Absent (None) keeps the contact list; an empty list clears it.
        contacts = values.pop("contacts", None)
        call_service(services.profile_update, access=self.access, data=values, contacts=contacts)
        return Response(self._payload())

    def _payload(self) -> dict:
        payload = ProfileSerializer(selectors.profile_get()).data
        payload["contacts"] = ContactSerializer(selectors.contact_list(), many=True).data
        return payload
