from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from shared_apps.memberships.decorators import require_access
from tenant_apps.about import selectors, services
from tenant_apps.about.forms import ProfileForm
from tenant_apps.about.permissions import can_edit_profile
from tenants.forms import add_service_errors


def index(request):
    return render(
        request,
        "about/index.html",
        {
            "profile": selectors.profile_get(),
            "contacts": selectors.contact_list(),
            "can_edit": can_edit_profile(request.access),
        },
    )


@require_access(can_edit_profile)
def edit(request):
    profile = selectors.profile_get()
    initial = {"contacts": "\n".join(f"{c.department}|{c.phone}|{c.email}" for c in selectors.contact_list())}
    form = ProfileForm(request.POST or None, instance=profile, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = {f: form.cleaned_data[f] for f in services.PROFILE_FIELDS}
        try:
            services.profile_update(access=request.access, data=data, contacts=form.cleaned_data["contacts"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("人大概况已更新。"))
            return redirect("about:index")
    return render(request, "about/edit.html", {"form": form})
