"""The signed-in account's unread notices, for the header of every page on every host."""

from django.utils.functional import SimpleLazyObject

from shared_apps.notifications.selectors import unread_count


def unread_notices(request):
    """`unread_notices`: how many of the account's notices are unread, counted only if a template asks (one
    indexed query); nothing for anonymous visitors."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notices": SimpleLazyObject(lambda: unread_count(user))}
