import functools

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied


def require_access(predicate):
    """Page decorator: anonymous visitors go to the sign-in page, signed-in ones without the right get 403."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            if predicate(request.access):
                return view(request, *args, **kwargs)
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            raise PermissionDenied

        return wrapper

    return decorator
