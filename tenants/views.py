"""Pages on a congress host: its front page and its administrators' settings."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from shared_apps.memberships.decorators import require_access
from shared_apps.memberships.permissions import can_configure_congress
from tenants import services
from tenants.forms import ConfigurationForm
from tenants.modules import all_modules
from tenants.preferences import effective_preferences


def congress_home(request):
    congress = request.congress
    roles = request.access.roles
    # A tile for each enabled module the visitor may open (the same rule as the menu).
    modules = [
        m
        for m in all_modules()
        if m.key in congress.enabled_modules and any(e.roles is None or roles & e.roles for e in m.menu)
    ]
    return render(
        request,
        "tenants/congress_home.html",
        {
            "modules": modules,
            "children": congress.children.filter(status="active").order_by("division_code"),
            "terms": services.effective_settings(congress)["terminology"],
        },
    )


@require_access(can_configure_congress)
def congress_settings(request):
    congress = request.congress
    base = effective_preferences(services.platform_defaults().preferences, {})
    form = ConfigurationForm(
        request.POST or None, base=base, current=congress.preferences, modules=congress.enabled_modules
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.congress_configure(
                access=request.access,
                congress=congress,
                modules=form.cleaned_data["modules"],
                preferences=form.cleaned_data["preferences"],
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, _("设置已保存。"))
            return redirect("congress_settings")
    return render(request, "tenants/congress_settings.html", {"form": form})
