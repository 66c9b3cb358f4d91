from tenant_apps.about.models import Contact, Profile


def profile_get() -> Profile:
    """This congress's profile (an empty one if nobody has written it yet; not saved)."""
    # Not saved: a read never writes; the row appears with the first edit.
    return Profile.objects.filter(pk=1).first() or Profile(pk=1)


def contact_list():
    return Contact.objects.all()
