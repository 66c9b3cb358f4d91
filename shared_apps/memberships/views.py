from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from shared_apps.memberships.selectors import congresses_for_user


@login_required
def my_congresses(request):
    """The switcher page: every congress where the signed-in user holds a role."""
    return render(request, "memberships/my_congresses.html", {"entries": congresses_for_user(request.user)})
