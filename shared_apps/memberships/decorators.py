import functools

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied


def require_access(predicate, *, relation=None):
    """Page decorator: anonymous visitors go to the sign-in page, signed-in ones without the right get 403.

    With `relation`, what the predicate needs is read once from the caller's Access (`relation(request.access)`,
    e.g. the liaison module's Handler) and handed to the view as its `who` argument, so the view's own checks
    and selectors reuse it instead of reading it again."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            who = relation(request.access) if relation is not None else request.access
            if predicate(who):
                if relation is not None:
                    kwargs["who"] = who
                return view(request, *args, **kwargs)
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            raise PermissionDenied

        return wrapper

    return decorator
