"""Whom a story's step concerns and what they read (in-app; at once by SMS / e-mail for what they must act on)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy

from shared_apps.memberships.selectors import office_user_ids
from shared_apps.notifications.services import notify_users
from shared_apps.registry.selectors import account_ids_of
from tenants.language import platform_text

URLCONF = "config.urls_tenant"
OFFERED = gettext_lazy("%(name)s推荐了一篇履职成绩：%(title)s")


def story_url(congress, story_id: int) -> str:
    return congress.url(reverse("showcase:story", urlconf=URLCONF, kwargs={"pk": story_id}))


def deliver(step, notice, user_ids: set[int]) -> None:
    congress = step.access.congress
    notify_users(
        user_ids=user_ids,
        congress=congress,
        kind=notice.kind,
        title=platform_text(notice.title_for(step), title=step.obj.title)[:200],
        body=step.note,
        url=story_url(congress, step.obj.pk),
        immediate=notice.immediate,
    )


def named_deputies(step) -> set[int]:
    ids = step.obj.deputies.values_list("deputy_id", flat=True)
    return account_ids_of(ids)


def office(step) -> set[int]:
    return office_user_ids(step.access.congress)


def office_when_all_agreed(step) -> set[int]:
    return office(step) if step.obj.status == "approved" else set()


def tell_offered(congress, story) -> None:
    notify_users(
        user_ids=office_user_ids(congress),
        congress=congress,
        kind="showcase_offered",
        title=platform_text(OFFERED, name=story.source_name, title=story.title)[:200],
        url=story_url(congress, story.pk),
    )
