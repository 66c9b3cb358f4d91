"""Pages: public lists and details of groups and studios; management forms for office staff."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shared_apps.memberships.decorators import require_access
from tenant_apps.groups import selectors, services
from tenant_apps.groups.forms import DutyRosterForm, GroupForm, MemberAddForm, StudioForm, roster_text
from tenant_apps.groups.permissions import can_manage_groups
from tenants.forms import add_service_errors, save_form
from tenants.shortcuts import or_404


def _warn(request, group) -> None:
    counted = selectors.group_get(group.pk)
    assert counted is not None  # the view found the group and the service just changed it, under a row lock
    for warning in selectors.group_warnings(counted.member_count):
        messages.warning(request, warning)


# -- public pages --------------------------------------------------------------------------------------


def index(request):
    """Every group and studio; a deputy's own groups are marked."""
    mine = selectors.group_ids_of(selectors.viewer_deputy_id(request.user))
    return render(
        request,
        "groups/index.html",
        {
            "groups": selectors.group_list(),
            "studios": selectors.studio_list(),
            "my_group_ids": mine,
            "can_manage": can_manage_groups(request.access),
        },
    )


def group_detail(request, pk: int):
    """A group's members by name and tier (never their contact details)."""
    group = or_404(selectors.group_get(pk))
    can_manage = can_manage_groups(request.access)
    viewer = selectors.viewer_deputy_id(request.user)
    return render(
        request,
        "groups/group_detail.html",
        {
            "group": group,
            "members": selectors.member_list(group),
            "is_mine": pk in selectors.group_ids_of(viewer),
            "viewer_deputy_id": viewer,
            # The three-deputy advice (地方组织法 Art. 43) is for the office that can act on it, not for visitors.
            "warnings": selectors.group_warnings(group.member_count) if can_manage else [],
            "can_manage": can_manage,
        },
    )


def studio_detail(request, pk: int):
    """A studio's address, opening days, office phone and deputies on duty."""
    studio = or_404(selectors.studio_get(pk))
    return render(
        request,
        "groups/studio_detail.html",
        {
            "studio": studio,
            "duties": selectors.duty_list(studio),
            "can_manage": can_manage_groups(request.access),
        },
    )


# -- groups --------------------------------------------------------------------------------------------


@require_access(can_manage_groups)
def group_create(request):
    form = GroupForm(request.POST or None)
    saved = save_form(
        request,
        form,
        lambda: services.group_create(access=request.access, data=form.service_data()),
        _("代表小组已建立，请添加成员。"),
    )
    if saved:
        return redirect("groups:member_add", pk=saved.result.pk)
    return render(request, "groups/form.html", {"form": form, "title": _("新建代表小组")})


@require_access(can_manage_groups)
def group_edit(request, pk: int):
    group = or_404(selectors.group_get(pk))
    form = GroupForm(request.POST or None, instance=group, members=selectors.member_list(group))
    saved = save_form(
        request,
        form,
        lambda: services.group_update(access=request.access, group=group, data=form.service_data()),
        _("代表小组已更新。"),
    )
    if saved:
        return redirect("groups:group_detail", pk=pk)
    return render(request, "groups/form.html", {"form": form, "title": _("编辑代表小组"), "group": group})


# SECURITY: POST only (CSRF-checked): a link or an image cannot delete a group.
@require_POST
@require_access(can_manage_groups)
def group_delete(request, pk: int):
    group = or_404(selectors.group_get(pk))
    services.group_delete(access=request.access, group=group)
    messages.success(request, _("代表小组已删除。"))
    return redirect("groups:index")


@require_access(can_manage_groups)
def member_add(request, pk: int):
    """Search the registry (`?q=`) for serving deputies of any tier, and add one by id."""
    group = or_404(selectors.group_get(pk))
    form = MemberAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.member_add(
                access=request.access,
                group=group,
                deputy_id=form.cleaned_data["deputy"],
                joined_on=form.cleaned_data["joined_on"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已加入代表小组。"))
            _warn(request, group)
            return redirect("groups:member_add", pk=pk)
    query = request.GET.get("q", "")
    members = selectors.member_list(group)
    context = {
        "group": group,
        "form": form,
        "members": members,
        "member_ids": {m.deputy_id for m in members},
        "query": query,
        "results": selectors.deputy_search(query),
    }
    return render(request, "groups/members.html", context)


@require_POST
@require_access(can_manage_groups)
def member_remove(request, pk: int, deputy_id: int):
    group = or_404(selectors.group_get(pk))
    try:
        services.member_remove(access=request.access, group=group, deputy_id=deputy_id)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("已移出代表小组。"))
        _warn(request, group)
    return redirect("groups:member_add", pk=pk)


# -- studios -------------------------------------------------------------------------------------------


@require_access(can_manage_groups)
def studio_create(request):
    form = StudioForm(request.POST or None)
    saved = save_form(
        request,
        form,
        lambda: services.studio_create(access=request.access, data=form.service_data()),
        _("代表工作室已建立。"),
    )
    if saved:
        return redirect("groups:studio_detail", pk=saved.result.pk)
    return render(request, "groups/form.html", {"form": form, "title": _("新建代表工作室或代表之家")})


@require_access(can_manage_groups)
def studio_edit(request, pk: int):
    studio = or_404(selectors.studio_get(pk))
    form = StudioForm(request.POST or None, instance=studio)
    saved = save_form(
        request,
        form,
        lambda: services.studio_update(access=request.access, studio=studio, data=form.service_data()),
        _("代表工作室已更新。"),
    )
    if saved:
        return redirect("groups:studio_detail", pk=pk)
    return render(request, "groups/form.html", {"form": form, "title": _("编辑代表工作室"), "studio": studio})


@require_POST
@require_access(can_manage_groups)
def studio_delete(request, pk: int):
    studio = or_404(selectors.studio_get(pk))
    services.studio_delete(access=request.access, studio=studio)
    messages.success(request, _("代表工作室已删除。"))
    return redirect("groups:index")


@require_access(can_manage_groups)
def duties_edit(request, pk: int):
    """The duty roster as lines `代表编号|值班时间`, with a registry search (`?q=`) to find the numbers."""
    studio = or_404(selectors.studio_get(pk))
    form = DutyRosterForm(request.POST or None, initial={"duties": roster_text(selectors.duty_list(studio))})
    saved = save_form(
        request,
        form,
        lambda: services.duties_set(access=request.access, studio=studio, duties=form.cleaned_data["duties"]),
        _("值班安排已保存。"),
    )
    if saved:
        return redirect("groups:studio_detail", pk=pk)
    query = request.GET.get("q", "")
    context = {"studio": studio, "form": form, "query": query, "results": selectors.deputy_search(query)}
    return render(request, "groups/duties.html", context)
