"""The account's notices, on every host: /me/notices/ (newest first, unread highlighted), mark one or all read."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shared_apps.notifications import selectors, services
from shared_apps.notifications.forms import PreferenceForm

PAGE_SIZE = 50


@login_required
def notice_list(request):
    page = Paginator(selectors.notification_list(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/notice_list.html",
        {"page": page, "unread": selectors.unread_count(request.user)},
    )


@login_required
# POST only: marking read changes state, which a followed or prefetched link must not do.
@require_POST
def notice_read(request, pk: int):
    notification = selectors.notification_get_for_user(request.user, pk)
    if notification is None:
        # SECURITY: 404, not 403, for someone else's notice: whether it exists is not disclosed.
        raise Http404
    services.mark_read(user=request.user, notification=notification)
    if request.POST.get("open") == "1" and notification.url:
        # SECURITY: no open redirect: the link was written by our own code (notify), never typed by a user.
        return redirect(notification.url)
    return redirect("my_notices:index")


@login_required
@require_POST
def notice_read_all(request):
    count = services.mark_all_read(user=request.user)
    messages.success(request, _("已将%(n)d条通知标记为已读。") % {"n": count})
    return redirect("my_notices:index")


@login_required
def preferences(request):
    """How notices that matter at once (a reply, an assignment, a return) reach the account beyond this list."""
    current = selectors.preference_for(request.user)
    form = PreferenceForm(request.POST or None, initial={"by_sms": current.by_sms, "by_email": current.by_email})
    if request.method == "POST" and form.is_valid():
        services.preference_set(user=request.user, **form.cleaned_data)
        messages.success(request, _("通知方式已保存。"))
        return redirect("my_notices:preferences")
    context = {"form": form, "mobile": selectors.sms_number_masked(request.user), "email": request.user.email}
    return render(request, "notifications/preferences.html", context)
