"""Pages of the office's overview: the filter form, one summary (by delegation, unit or deputy, switched with
`?group=`), the item table page by page, and the whole filtered table as an .xlsx file with every summary.
Office only; a bad filter value answers 400 with the message, and the export refuses it the same way."""

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from shared_apps.memberships.decorators import require_access
from shared_apps.registry.exports import bytes_response, workbook_bytes, write_sheet
from tenant_apps.suggestions import overview as overviews
from tenant_apps.suggestions.models import Kind
from tenant_apps.suggestions.overview import Overview, OverviewRow, Summary
from tenant_apps.suggestions.permissions import can_read_overview

PAGE_SIZE = 100
SHEET_TITLE_MAX = 31  # Excel's limit on a sheet's name


def _yes(value: bool) -> str:
    return _("是") if value else ""


def _local_date(moment):
    return timezone.localdate(moment) if moment else None


def item_headers() -> list[str]:
    return [
        _("编号"),
        _("类别"),
        _("标题"),
        _("领衔代表"),
        _("代表团"),
        _("附议人数"),
        _("主办单位"),
        _("会办、协办、分办单位"),
        _("状态"),
        _("提交日期"),
        _("交办日期"),
        _("答复期限"),
        _("答复日期"),
        _("逾期"),
        _("已面商"),
        _("办理结果分类"),
        _("最近评价"),
        _("重点督办"),
        _("保密要求"),
    ]


def item_values(row: OverviewRow) -> list:
    """One item in the columns of item_headers (the page's table and the export's first sheet)."""
    return [
        row.number,
        row.kind_label,
        row.title,
        row.lead_deputy_name,
        row.delegation_name,
        row.cosigner_count,
        row.lead_unit.name if row.lead_unit else "",
        row.other_units_text,
        row.status_label,
        _local_date(row.submitted_at),
        _local_date(row.assigned_at),
        row.reply_due,
        _local_date(row.replied_at),
        _yes(row.is_overdue),
        _yes(row.meeting_held),
        f"{row.result_category} {row.result_category_label}".strip(),
        row.latest_evaluation_label,
        _yes(row.is_key),
        row.confidentiality_label,
    ]


def summary_headers(summary: Summary) -> list[str]:
    extra = [summary.extra_header] if summary.extra_header else []
    return [summary.name_header, _("合计"), *[str(s.label) for s in overviews.STATUSES], _("逾期"), *extra]


def summary_values(summary: Summary) -> list[list]:
    extra = summary.extra_header is not None
    return [
        [row.name, row.total, *row.by_status(), row.overdue, *([row.extra] if extra else [])] for row in summary.rows
    ]


def filter_labels() -> dict[str, str]:
    return {
        "status": _("状态"),
        "kind": _("类别"),
        "delegation": _("代表团"),
        "unit": _("承办单位"),
        "unit_role": _("办理方式"),
        "deputy": _("代表"),
        "result_category": _("办理结果分类"),
        "overdue": _("仅逾期未答复"),
        "key": _("仅重点督办"),
        "year": _("提交年份"),
        "q": _("标题或编号"),
    }


def _filters_or_errors(request):
    """(filters, None) or (None, [(filter's label, message)]) for a bad value."""
    try:
        return overviews.parse_filters(request.access.congress, request.GET), None
    except ValidationError as exc:
        labels = filter_labels()
        return None, [(labels.get(k, k), m) for k, messages in exc.message_dict.items() for m in messages]


def _form_context(request, filters, errors) -> dict:
    group = request.GET.get("group")
    return {
        "group": group if group in overviews.GROUPS else overviews.GROUPS[0],
        "groups": [(g, overviews.GROUP_TITLES[g]) for g in overviews.GROUPS],
        "statuses": [(s.value, s.label) for s in overviews.STATUSES],
        "kinds": Kind.choices,
        "choices": overviews.filter_choices(request.access.congress),
        "asked": request.GET,
        "asked_statuses": request.GET.getlist("status"),
        "errors": errors,
        "querystring": filters.querystring() if filters else "",
    }


@require_access(can_read_overview)
def overview(request):
    """The overview page: filters, the chosen summary, and the items (100 a page)."""
    filters, errors = _filters_or_errors(request)
    context = _form_context(request, filters, errors)
    if errors:
        return render(request, "suggestions/overview.html", context, status=400)
    data = overviews.overview(request.access, filters)
    page = Paginator(data.items, PAGE_SIZE).get_page(request.GET.get("page"))
    summary = data.summary(context["group"])
    context.update(
        summary=summary,
        summary_headers=summary_headers(summary),
        summary_rows=summary_values(summary),
        page=page,
        rows=data.rows(page.object_list),
        item_headers=item_headers(),
    )
    return render(request, "suggestions/overview.html", context)


def workbook_for(data: Overview) -> Workbook:
    """The items on the first sheet, each summary on its own."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("议案建议")
    write_sheet(sheet, item_headers(), [item_values(row) for row in data.rows()])
    for summary in data.summaries().values():
        write_sheet(
            workbook.create_sheet(summary.title[:SHEET_TITLE_MAX]), summary_headers(summary), summary_values(summary)
        )
    return workbook


@require_access(can_read_overview)
def overview_export(request):
    """The filtered items and the three summaries as an .xlsx file (the same filters as the page)."""
    filters, errors = _filters_or_errors(request)
    if errors:
        context = _form_context(request, filters, errors)
        return render(request, "suggestions/overview.html", context, status=400)
    data = overviews.overview(request.access, filters)
    filename = f"{request.access.congress.name}-{_('议案建议办理情况总览')}-{timezone.localdate():%Y%m%d}.xlsx"
    return bytes_response(workbook_bytes(workbook_for(data)), filename)
