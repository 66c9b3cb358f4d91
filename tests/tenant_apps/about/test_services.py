"""The about page's one write: its office changes it, in its own congress's schema only."""

import pytest
from django.core.exceptions import PermissionDenied

from tenant_apps.about.models import Profile, ProfileRevision
from tenant_apps.about.services import profile_update
from tests.support.factories import access_for


def test_the_office_changes_its_about_page_and_the_change_is_recorded(users, congresses):
    huaxi = congresses["huaxi"]
    with huaxi:
        profile_update(access=access_for(users["zhang"], huaxi), data={"phone": "0851-83851234"})
        assert Profile.objects.get().phone == "0851-83851234"
        revision = ProfileRevision.objects.get()
        assert (revision.actor, revision.changed_fields) == (users["zhang"], ["phone"])


@pytest.mark.parametrize("persona", ["zhang", "li"])
def test_an_office_cannot_write_into_another_congresss_schema(users, congresses, persona):
    """SECURITY: an Access of Huaxi, used while the connection is in Qingyan's schema, changes nothing there."""
    huaxi_access = access_for(users[persona], congresses["huaxi"])
    with congresses["qingyan"]:
        before = list(Profile.objects.values())
        with pytest.raises(PermissionDenied):
            profile_update(access=huaxi_access, data={"phone": "0851-00000000"})
        assert list(Profile.objects.values()) == before and not ProfileRevision.objects.exists()
