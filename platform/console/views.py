"""The provincial administrator's console on the root domain: congresses, provisioning, defaults."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shared_apps.memberships.decorators import require_access
from shared_apps.memberships.permissions import can_use_console
from tenants import selectors, services
from tenants.forms import ConfigurationForm, ProvisionForm, StatusForm, add_service_errors
from tenants.models import Congress, ProvisioningSource
from tenants.preferences import effective_preferences


def platform_home(request):
    """The central platform's public front page: every congress of the province, as a tree."""
    return render(request, "tenants/platform_home.html", {"tree": selectors.congress_tree()})


@require_access(can_use_console)
def console_home(request):
    if request.GET.get("format") == "xlsx":
        from shared_apps.registry.exports import xlsx_response

        return xlsx_response(
            "congresses.xlsx",
            [_("名称"), _("层级"), _("区划代码"), _("上级"), _("子域名"), _("状态")],
            (
                [
                    c.name,
                    c.get_tier_display(),
                    c.division_code,
                    c.parent.name if c.parent else "",
                    c.subdomain,
                    c.get_status_display(),
                ]
                for c in selectors.congress_list_all()
            ),
            title=_("人大列表"),
            text_columns=[2],
        )
    return render(
        request,
        "tenants/console/home.html",
        {
            "congresses": selectors.congress_list_all(),
            "records": selectors.provisioning_list()[:20],
            "status_form": StatusForm(),
        },
    )


@require_access(can_use_console)
def provision(request):
    form = ProvisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        spec = services.CongressSpec(**form.cleaned_data)
        try:
            record = services.provisioning_request(access=request.access, spec=spec, source=ProvisioningSource.CONSOLE)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect("console:provisioning_detail", pk=record.pk)
    return render(request, "tenants/console/provision.html", {"form": form})


@require_access(can_use_console)
def provisioning_detail(request, pk: int):
    record = get_object_or_404(selectors.provisioning_list(), pk=pk)
    return render(request, "tenants/console/provisioning_detail.html", {"record": record})


@require_access(can_use_console)
def provisioning_records(request):
    return render(request, "tenants/console/records.html", {"records": selectors.provisioning_list()[:500]})


@require_POST
@require_access(can_use_console)
def congress_status(request, division_code: str):
    congress = get_object_or_404(Congress, division_code=division_code)
    form = StatusForm(request.POST)
    if form.is_valid():
        try:
            services.congress_set_status(access=request.access, congress=congress, **form.cleaned_data)
            messages.success(request, _("已更新“%(name)s”的状态。") % {"name": congress.name})
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, _("状态无效。"))
    return redirect("console:home")


@require_access(can_use_console)
def defaults(request):
    current = services.platform_defaults()
    base = effective_preferences({}, {})
    form = ConfigurationForm(
        request.POST or None, base=base, current=current.preferences, modules=current.default_modules
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.platform_defaults_update(
                access=request.access,
                modules=form.cleaned_data["modules"],
                preferences=form.cleaned_data["preferences"],
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, _("默认设置已保存，新建的人大将使用这些设置。"))
            return redirect("console:defaults")
    return render(request, "tenants/console/defaults.html", {"form": form})
