from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shared_apps.memberships.permissions import Access
from tenant_apps.about.models import Contact, Profile, ProfileRevision
from tenant_apps.about.permissions import can_edit_profile
from tenants.params import is_number
from tenants.workflow import require_here
from tenants.workflow.history import record_event

PROFILE_FIELDS = ("introduction", "address", "postcode", "phone", "email", "reception_hours")


@transaction.atomic
def profile_update(*, access: Access, data: dict, contacts: list[dict] | None = None) -> Profile:
    """Change the about page (and, if given, replace its contact list). Office staff and administrators.

    Raises PermissionDenied, or ValidationError naming the field; on error nothing changes.
    """
    require_here(access, gettext_lazy("只能修改本级人大的概况。"))
    if not can_edit_profile(access):
        raise PermissionDenied(_("只有本级人大机关工作人员可以修改人大概况。"))
    # Locked when it exists; two first saves at once cannot make two rows: pk 1 only (about_profile_single_row).
    profile = Profile.objects.select_for_update().filter(pk=1).first() or Profile(pk=1)
    changed = [f for f in PROFILE_FIELDS if f in data and getattr(profile, f) != data[f]]
    for field in changed:
        setattr(profile, field, data[field])
    postcode = profile.postcode
    if postcode and not (is_number(postcode) and len(postcode) == 6):
        raise ValidationError({"postcode": [_("邮政编码必须是6位数字。")]})
    profile.updated_by = access.user
    profile.full_clean()
    profile.save()
    if contacts is not None:
        _replace_contacts(contacts)
        changed.append("contacts")
    if changed:
        record_event(ProfileRevision, actor=access.user, changed_fields=changed)
    return profile


def _replace_contacts(contacts: list[dict]) -> None:
    rows = []
    for position, item in enumerate(contacts):
        contact = Contact(
            department=(item.get("department") or "").strip(),
            phone=item.get("phone", ""),
            email=item.get("email", ""),
            position=position,
        )
        try:
            contact.full_clean()
        except ValidationError as exc:
            raise ValidationError({"contacts": [f"#{position + 1}: {m}" for m in exc.messages]}) from None
        rows.append(contact)
    # Every line was validated above, before the old list goes: a bad line leaves the list as it was.
    Contact.objects.all().delete()
    Contact.objects.bulk_create(rows)
