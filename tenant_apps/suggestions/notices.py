"""Who the suggestions workflow tells after each step, and in what words: the recipients its table's `Notify`
names (workflow.TRANSITIONS) and the delivery of the notice (`deliver`).

A notice goes to whoever must act next — the office when an item is submitted or handed back, the units when
it is assigned or must be handled again, the deputies when it is answered — and to whoever the step settles
for. It is written in the platform's language, in the step's transaction (it exists exactly when the step was
committed), and links to the item on its congress's host, since notices are read on any host.
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy

from shared_apps.memberships.selectors import office_user_ids
from shared_apps.notifications.services import notify_users
from shared_apps.registry.models import Deputy
from tenant_apps.suggestions.models import AssignmentRole, CoSigner, Status, Suggestion
from tenant_apps.units.models import UnitStaff
from tenants.language import platform_text

EXCERPT = 80


def item_label(item: Suggestion) -> str:
    """ "第12号建议" (or the title's start for an item not yet numbered), in the platform's language."""
    if item.number is None:
        return item.title[:EXCERPT]
    return platform_text(gettext_lazy("第%(number)s号%(kind)s"), number=item.number, kind=item.get_kind_display())


def detail_url(congress, item: Suggestion) -> str:
    path = reverse("suggestions:detail", urlconf="config.urls_tenant", kwargs={"pk": item.pk})
    return congress.url(path)


# -- who -----------------------------------------------------------------------------------------------


def office(step) -> set[int]:
    """The congress's office: it reviews, assigns and closes."""
    return office_user_ids(step.access.congress)


def deputies(step) -> set[int]:
    """The accounts of the item's deputies: its lead deputy and the co-signers who confirmed."""
    item = step.item
    ids = {item.lead_deputy_id}
    ids |= set(CoSigner.objects.filter(suggestion=item, confirmed_at__isnull=False).values_list("deputy_id", flat=True))
    return set(Deputy.objects.filter(pk__in=ids, user__isnull=False).values_list("user_id", flat=True))


def unit_staff(step, *, lead_only: bool = False) -> set[int]:
    """The staff of the units the item is assigned to (or of its lead unit only)."""
    assignments = step.item.assignments.all()
    if lead_only:
        assignments = assignments.filter(role=AssignmentRole.LEAD)
    units = assignments.values("unit_id")
    return set(UnitStaff.objects.filter(unit_id__in=units).values_list("user_id", flat=True))


def office_if_submitted(step) -> set[int]:
    """A withdrawal concerns the office once the item has reached it (not while it was a draft)."""
    return set() if step.from_status == Status.DRAFT else office(step)


def deputies_and_lead_unit(step) -> set[int]:
    return deputies(step) | unit_staff(step, lead_only=True)


def after_evaluation(step) -> set[int]:
    """The lead deputy's evaluation settles the round: the lead unit learns it, and the office too when the item
    must be handled again. A co-signer's evaluation alone settles nothing and tells no one."""
    if step.item.status == Status.REHANDLING:
        return unit_staff(step, lead_only=True) | office(step)
    if step.item.status == Status.CLOSED:
        return unit_staff(step, lead_only=True)
    return set()


# -- what ----------------------------------------------------------------------------------------------

EVALUATED = gettext_lazy("代表已评价%(item)s的办理")
SENT_BACK = gettext_lazy("代表对%(item)s的办理不满意，请重新办理")


def evaluation_title(step):
    """Whether the evaluation sent the item back: the lead unit must handle it again, and reads so first."""
    return SENT_BACK if step.item.status == Status.REHANDLING else EVALUATED


def reason(step) -> str:
    """The note the step asked for (a return's reasons), else the item's title."""
    return step.note or step.item.title


def evaluation(step) -> str:
    """What the deputy said of the answer, in the congress's own words for each level, as the unit reads it."""
    levels = {code: label for code, label in step.settings["categories.evaluation"]}
    attitude, result = step.data.get("attitude", ""), step.data.get("result", "")
    said = platform_text(
        gettext_lazy("办理态度：%(attitude)s；办理结果：%(result)s"),
        attitude=levels.get(attitude, attitude),
        result=levels.get(result, result),
    )
    reason = str(step.data.get("reason") or "").strip()
    return platform_text(gettext_lazy("%(said)s。理由：%(reason)s"), said=said, reason=reason) if reason else said


def deliver(step, notice, user_ids: set[int]) -> None:
    """The suggestions workflow's delivery of a transition's Notify: in-app, the item named in the title."""
    item = step.item
    congress = step.access.congress
    title = platform_text(notice.title_for(step), item=item_label(item))
    body = notice.body(step) if notice.body is not None else item.title
    notify_users(
        user_ids=user_ids,
        congress=congress,
        kind=notice.kind,
        title=title,
        body=body,
        url=detail_url(congress, item),
        immediate=notice.immediate,
    )
