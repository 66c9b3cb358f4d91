"""Who may do what with reporting rounds and reports: pure predicates over the duty module's Viewer."""

from tenant_apps.duty.permissions import Viewer, viewer_for

__all__ = ["Viewer", "can_manage_rounds", "can_write_report", "relation", "viewer_for"]


def relation(access, obj) -> Viewer:
    return viewer_for(access)


def can_manage_rounds(who: Viewer) -> bool:
    """Open, close and publish rounds, return reports, moderate scores and comments: the office."""
    return who.is_office


def can_write_report(who: Viewer, report) -> bool:
    """The reporting deputy, or the office on behalf of a deputy who cannot use the platform."""
    return who.is_office or (who.deputy_id is not None and report.deputy_id == who.deputy_id)


def is_reporter(who: Viewer, report) -> bool:
    return who.deputy_id is not None and report.deputy_id == who.deputy_id
