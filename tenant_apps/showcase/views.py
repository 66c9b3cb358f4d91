"""Pages of the showcase (代表风采): the deputies of this congress as cards, each deputy's page, the achievement
stories (public once published or featured), and the office's writing and review of them."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from shared_apps.memberships.decorators import require_access
from shared_apps.registry.models import Deputy
from tenant_apps.duty.selectors import invitable_seats
from tenant_apps.showcase import selectors, services
from tenant_apps.showcase.forms import StoryForm
from tenant_apps.showcase.models import StoryStatus
from tenant_apps.showcase.permissions import can_manage_stories, can_see_story, viewer_for
from tenant_apps.showcase.workflow import STORIES, TRANSITIONS
from tenants.files import private_file_response
from tenants.forms import action_panels, errors_of, report_outcome, save_form
from tenants.shortcuts import or_404

CONFIRM = {
    "publish": _("发布后在本级人大首页公开，并推荐给上一级人大。"),
    "withdraw": _("撤下后公众不再能看到这篇成绩。"),
}


def index(request):
    """The deputies serving here, and the stories."""
    who = viewer_for(request.access)
    return render(
        request,
        "showcase/index.html",
        {
            "deputies": list(selectors.deputies_here(request.congress)[:500]),
            "stories": list(selectors.story_list(who)[:50]),
            "can_manage": can_manage_stories(who),
        },
    )


def deputy(request, deputy_id: int):
    """A deputy's public page on this congress: profile, seat, stations, published duties, suggestions, reports."""
    congress = request.congress
    found = or_404(selectors.deputy_here(congress, deputy_id))
    seat = next((s for s in found.public_seats if s.congress_id == congress.pk), None)
    duties = selectors.published_duties(found)
    reports = []
    if "reports" in congress.enabled_modules:
        from tenant_apps.reports.selectors import public_reports_of

        reports = public_reports_of(deputy_id)
    message_url = ""
    if "liaison" in congress.enabled_modules:
        from django.urls import reverse

        message_url = reverse("liaison:message_new_to_deputy", kwargs={"deputy_id": deputy_id})
    return render(
        request,
        "showcase/deputy.html",
        {
            "deputy": found,
            "seat_here": seat,
            "stations": selectors.stations_of(congress, deputy_id),
            "message_url": message_url,
            "duties": duties,
            "suggestions": selectors.suggestions_of(congress, deputy_id),
            "reports": reports,
            "stories": list(selectors.story_list(viewer_for(request.access), deputy_id=deputy_id)[:20]),
            "ledger_url": "duty" in congress.enabled_modules,
        },
    )


def _deputy_choices(congress):
    return Deputy.objects.filter(pk__in=invitable_seats(congress).values("deputy_id")).order_by("name", "id")


@require_access(can_manage_stories, relation=viewer_for)
def story_create(request, who):
    form = StoryForm(request.POST or None, deputies=_deputy_choices(request.congress))
    saved = save_form(
        request,
        form,
        lambda: services.story_create(access=request.access, data=form.service_data()),
        _("已保存草稿。上传照片后，请代表审阅。"),
    )
    if saved:
        return redirect("showcase:story", pk=saved.result.pk)
    return render(request, "showcase/story_form.html", {"form": form, "title": _("编写履职成绩")})


@require_access(can_manage_stories, relation=viewer_for)
def story_edit(request, pk: int, who):
    story = or_404(selectors.story_get(pk))
    initial = {"title": story.title, "body": story.body, "deputies": [d.deputy_id for d in story.deputies.all()]}
    form = StoryForm(request.POST or None, deputies=_deputy_choices(request.congress), initial=initial)
    saved = save_form(
        request,
        form,
        lambda: services.story_update(access=request.access, story=story, data=form.service_data()),
        _("已修改。"),
    )
    if saved:
        return redirect("showcase:story", pk=pk)
    return render(request, "showcase/story_form.html", {"form": form, "title": _("修改履职成绩"), "story": story})


def _render(request, story, *, posted_action="", posted=None, errors=None, status=200):
    who = viewer_for(request.access)
    if not can_see_story(who, story):
        raise Http404
    posted, errors = posted or {}, errors or {}
    panels = action_panels(
        services.story_actions(who, story),
        TRANSITIONS,
        confirm=CONFIRM,
        posted_action=posted_action,
        posted=posted,
        errors=errors,
    )
    return render(
        request,
        "showcase/story.html",
        {
            "story": story,
            "named": list(story.deputies.all()),
            "photos": list(story.photos.all()),
            "panels": panels,
            "office": can_manage_stories(who),
            "editable": can_manage_stories(who) and story.status == StoryStatus.DRAFT and not story.is_received,
            "history": STORIES.history(story.events.select_related("actor")) if who.is_office else [],
        },
        status=status,
    )


def story(request, pk: int):
    return _render(request, or_404(selectors.story_get(pk)))


@require_POST
def story_act(request, pk: int):
    story = or_404(selectors.story_get(pk))
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    action = request.POST.get("action", "")
    posted = {"note": request.POST.get("note", "")}
    if action in CONFIRM and not request.POST.get("confirm"):
        return _render(
            request, story, posted_action=action, posted=posted, errors={"confirm": [_("请勾选确认。")]}, status=400
        )
    try:
        services.story_transition(access=request.access, story=story, action=action, data={"note": posted["note"]})
    except ValidationError as exc:
        errors = errors_of(exc)
        return _render(request, story, posted_action=action, posted=posted, errors=errors, status=400)
    except PermissionDenied:
        raise
    transition = TRANSITIONS.get(action)
    messages.success(request, _("已%(action)s。") % {"action": transition.label if transition else action})
    return redirect("showcase:story", pk=pk)


@require_POST
@require_access(can_manage_stories, relation=viewer_for)
def photo_add(request, pk: int, who):
    story = or_404(selectors.story_get(pk))
    report_outcome(
        request,
        lambda: services.photo_add(access=request.access, story=story, uploaded_file=request.FILES.get("file")),
        _("照片已上传。"),
    )
    return redirect("showcase:story", pk=pk)


@require_GET
def photo(request, pk: int, photo_id: int):
    story = or_404(selectors.story_get(pk))
    if not can_see_story(viewer_for(request.access), story):
        raise Http404
    found = or_404(story.photos.filter(pk=photo_id).first())
    try:
        handle = found.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return private_file_response(handle, content_type=found.content_type)
