"""Who may do what with stories: the office writes, sends for review, publishes, features; each deputy a story
names agrees or asks for changes. Pure predicates over the duty module's Viewer (the caller and their deputy)."""

from tenant_apps.duty.permissions import Viewer, viewer_for

__all__ = ["Viewer", "awaits_agreement", "can_manage_stories", "can_see_story", "is_named", "relation", "viewer_for"]


def relation(access, story) -> Viewer:
    return viewer_for(access)


def can_manage_stories(who: Viewer) -> bool:
    return who.is_office


def is_named(who: Viewer, story) -> bool:
    """A deputy the story names."""
    return who.deputy_id is not None and story.deputies.filter(deputy_id=who.deputy_id).exists()


def awaits_agreement(who: Viewer, story) -> bool:
    """A deputy the story names who has not agreed to it yet."""
    if who.deputy_id is None:
        return False
    return story.deputies.filter(deputy_id=who.deputy_id, agreed_at__isnull=True).exists()


def can_see_story(who: Viewer, story) -> bool:
    return story.is_public or who.is_office or is_named(who, story)
