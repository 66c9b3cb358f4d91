"""Pages of the platform's administration of congresses: on the root domain, the public front page (every
congress of the province) and the provincial administrator's console (congresses, provisioning, defaults); on
a congress host, its front page and its administrators' settings."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from console import bulk, services
from console.forms import ConfigurationForm, ProvisionForm, StatusForm, TreeUploadForm
from console.provisioning import PROVISIONING
from shared_apps.memberships.decorators import require_access
from shared_apps.memberships.permissions import can_configure_congress, can_use_console
from shared_apps.registry.exports import xlsx_response
from tenants import selectors
from tenants.forms import add_service_errors
from tenants.models import Congress, ProvisioningBatch, ProvisioningSource
from tenants.modules import all_modules
from tenants.preferences import effective_preferences


def platform_home(request):
    """The central platform's public front page: every congress of the province, as a tree."""
    return render(request, "console/platform_home.html", {"tree": selectors.congress_tree()})


@require_access(can_use_console)
def console_home(request):
    if request.GET.get("format") == "xlsx":
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
            # The division code as text: Excel shows a 12-digit number in exponent form.
            text_columns=[2],
        )
    return render(
        request,
        "console/home.html",
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
    return render(request, "console/provision.html", {"form": form})


@require_access(can_use_console)
def batch_new(request):
    """Upload a tree CSV: checked whole, then queued as one batch for the worker."""
    form = TreeUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        name, text = form.cleaned_data["file"]
        try:
            batch = bulk.batch_create(access=request.access, text=text, file_name=name, source=ProvisioningSource.BULK)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect("console:batch_detail", pk=batch.pk)
    batches = ProvisioningBatch.objects.select_related("requested_by")[:20]
    return render(request, "console/batch_new.html", {"form": form, "batches": batches})


@require_access(can_use_console)
def batch_detail(request, pk: int):
    batch = get_object_or_404(ProvisioningBatch, pk=pk)
    progress = bulk.batch_progress(batch)
    failed = batch.requests.filter(status="failed").order_by("pk")[:200]
    return render(request, "console/batch_detail.html", {"batch": batch, "progress": progress, "failed": failed})


@require_access(can_use_console)
def provisioning_detail(request, pk: int):
    record = get_object_or_404(selectors.provisioning_list(), pk=pk)
    history = PROVISIONING.history(record.events.select_related("actor"))
    return render(request, "console/provisioning_detail.html", {"record": record, "history": history})


@require_access(can_use_console)
def provisioning_records(request):
    return render(request, "console/records.html", {"records": selectors.provisioning_list()[:500]})


# SECURITY: POST only (so CSRF-checked): a link or an image cannot suspend a congress.
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
    current = selectors.platform_defaults()
    # The province's defaults are edited against the layer beneath them: the code's own (the spec defaults).
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
    return render(request, "console/defaults.html", {"form": form})


# -- a congress host ------------------------------------------------------------------------------------


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
        "console/congress_home.html",
        {
            "news": _news(congress),
            "modules": modules,
            "children": congress.children.filter(status="active").order_by("division_code"),
            "terms": selectors.effective_settings(congress)["terminology"],
        },
    )


NEWS_ITEMS = 8


def _news(congress) -> list:
    """What is new here (最新动态): each enabled module's latest public items, newest first."""
    found = [
        item
        for module in all_modules()
        if module.key in congress.enabled_modules and module.news is not None
        for item in module.news(NEWS_ITEMS)
    ]
    return sorted(found, key=lambda item: item.when, reverse=True)[:NEWS_ITEMS]


@require_access(can_configure_congress)
def congress_settings(request):
    congress = request.congress
    # A congress stores only where it differs from the province, so the province's values are its form's base.
    base = effective_preferences(selectors.platform_defaults().preferences, {})
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
    return render(request, "console/congress_settings.html", {"form": form})
