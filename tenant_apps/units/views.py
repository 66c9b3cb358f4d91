"""Pages: the unit list and details for members of the congress, management forms for office staff, and
"my unit" for handling-unit staff. The public is sent to the sign-in page."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shared_apps.memberships.decorators import require_access
from shared_apps.registry.exports import xlsx_response
from tenant_apps.units import selectors, services
from tenant_apps.units.forms import StaffAddForm, UnitForm
from tenant_apps.units.models import UnitKind
from tenant_apps.units.permissions import can_manage_units, can_view_own_units, can_view_unit_staff, can_view_units
from tenants.forms import save_form
from tenants.shortcuts import or_404
from tenants.workflow.history import HistoryRow, history_rows


def _flash_errors(request, exc: ValidationError) -> None:
    messages.error(request, " ".join(exc.messages))


# -- reading -------------------------------------------------------------------------------------------


@require_access(can_view_units)
def index(request):
    """The units, filtered by kind and by whether they are in use; `?format=xlsx` downloads the list."""
    filters = selectors.UnitFilters.from_params(request.GET)
    units = selectors.unit_list(filters)
    if request.GET.get("format") == "xlsx":
        return _export(units)
    return render(
        request,
        "units/index.html",
        {
            "units": units,
            "filters": filters,
            "kinds": UnitKind.choices,
            "my_unit_ids": selectors.unit_ids_of(request.user),
            "can_manage": can_manage_units(request.access),
        },
    )


def _export(units):
    return xlsx_response(
        "handling-units.xlsx",
        [
            _("单位名称"),
            _("简称"),
            _("单位类型"),
            _("上级单位"),
            _("联系人"),
            _("联系电话"),
            _("联系邮箱"),
            _("地址"),
            _("工作人员"),
            _("状态"),
        ],
        (
            [
                u.name,
                u.short_name,
                u.get_kind_display(),
                u.parent.name if u.parent else "",
                u.contact_name,
                u.contact_phone,
                u.contact_email,
                u.address,
                u.staff_count,
                _("在用") if u.is_active else _("已停用"),
            ]
            for u in units
        ),
        title=_("承办单位"),
        text_columns=[5],
    )


@require_access(can_view_units)
def unit_detail(request, pk: int):
    """A unit's facts and contact person; its staff for managers and for the unit's own staff."""
    unit = or_404(selectors.unit_get(pk))
    is_own = pk in selectors.unit_ids_of(request.user)
    can_manage = can_manage_units(request.access)
    show_staff = can_view_unit_staff(request.access, is_own_unit=is_own)
    return render(
        request,
        "units/detail.html",
        {
            "unit": unit,
            "children": selectors.unit_children(unit),
            "staff": selectors.staff_list(unit) if show_staff else None,
            "history": unit_history(unit) if can_manage else None,
            "is_own": is_own,
            "can_manage": can_manage,
        },
    )


@require_access(can_view_own_units)
def mine(request):
    """The units the signed-in handling-unit staff member works for, with their colleagues."""
    units = [(unit, selectors.staff_list(unit)) for unit in selectors.units_of(request.user)]
    return render(request, "units/mine.html", {"units": units})


# -- management ----------------------------------------------------------------------------------------


@require_access(can_manage_units)
def unit_create(request):
    form = UnitForm(request.POST or None)
    saved = save_form(
        request,
        form,
        lambda: services.unit_create(access=request.access, data=form.service_data()),
        _("承办单位已建立，请添加工作人员。"),
    )
    if saved:
        return redirect("units:staff", pk=saved.result.pk)
    return render(request, "units/form.html", {"form": form, "title": _("新建承办单位")})


@require_access(can_manage_units)
def unit_edit(request, pk: int):
    unit = or_404(selectors.unit_get(pk))
    form = UnitForm(request.POST or None, instance=unit)
    saved = save_form(
        request,
        form,
        lambda: services.unit_update(access=request.access, unit=unit, data=form.service_data()),
        _("承办单位已更新。"),
    )
    if saved:
        return redirect("units:unit_detail", pk=pk)
    return render(request, "units/form.html", {"form": form, "title": _("编辑承办单位"), "unit": unit})


@require_POST
@require_access(can_manage_units)
def unit_deactivate(request, pk: int):
    try:
        services.unit_deactivate(access=request.access, unit=or_404(selectors.unit_get(pk)))
    except ValidationError as exc:
        _flash_errors(request, exc)
    else:
        messages.success(request, _("承办单位已停用，办理记录保留。"))
    return redirect("units:unit_detail", pk=pk)


@require_POST
@require_access(can_manage_units)
def unit_reactivate(request, pk: int):
    try:
        services.unit_reactivate(access=request.access, unit=or_404(selectors.unit_get(pk)))
    except ValidationError as exc:
        _flash_errors(request, exc)
    else:
        messages.success(request, _("承办单位已恢复使用。"))
    return redirect("units:unit_detail", pk=pk)


@require_access(can_manage_units)
def staff(request, pk: int):
    """The unit's staff, with a form to add one by email (the account is created and invited if new)."""
    unit = or_404(selectors.unit_get(pk))
    form = StaffAddForm(request.POST or None)
    saved = save_form(
        request,
        form,
        lambda: services.staff_add(access=request.access, unit=unit, **form.cleaned_data),
        _("已增加工作人员，并已发送通知邮件。"),
    )
    if saved:
        return redirect("units:staff", pk=pk)
    return render(request, "units/staff.html", {"unit": unit, "form": form, "staff": selectors.staff_list(unit)})


@require_POST
@require_access(can_manage_units)
def staff_remove(request, pk: int, user_id: int):
    try:
        services.staff_remove(access=request.access, unit=or_404(selectors.unit_get(pk)), user_id=user_id)
    except ValidationError as exc:
        _flash_errors(request, exc)
    else:
        messages.success(request, _("已移除工作人员。"))
    return redirect("units:staff", pk=pk)


@require_POST
@require_access(can_manage_units)
def staff_contact(request, pk: int, user_id: int):
    """Make a staff member the unit's contact (`is_contact=1`), or stop being it (`is_contact=0`)."""
    is_contact = request.POST.get("is_contact", "1") != "0"
    try:
        services.staff_set_contact(
            access=request.access, unit=or_404(selectors.unit_get(pk)), user_id=user_id, is_contact=is_contact
        )
    except ValidationError as exc:
        _flash_errors(request, exc)
    else:
        messages.success(request, _("联系人已更新。"))
    return redirect("units:staff", pk=pk)


def unit_history(unit) -> list[HistoryRow]:
    """The unit's last 20 changes, newest first, for the timeline: what changed, whose staff entry, who did it."""
    events = selectors.event_list(unit)[:20]
    return history_rows(events, label=lambda e: e.get_kind_display(), note=lambda e: e.data.get("email", ""))
