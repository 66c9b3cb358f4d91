"""Who may do what with motions and suggestions. Pure predicates over an `Access` and, where it matters, the item.

The workflow's transition table (workflow.TRANSITIONS) names one of these for each action, so the buttons
shown and the changes accepted always agree.
"""

from django.utils.translation import gettext_lazy

from shared_apps.memberships.models import Role
from shared_apps.memberships.permissions import OFFICE_ROLES, Access, is_office
from shared_apps.registry.selectors import deputy_id_of
from tenant_apps.suggestions.models import AssignmentRole, CommitteeMember, Suggestion
from tenant_apps.units.models import UnitStaff
from tenants.connection import in_schema_of

MODULE_ROLES = OFFICE_ROLES | {Role.DEPUTY, Role.HANDLING_UNIT_STAFF, Role.DELEGATION_STAFF, Role.STATE_ORGAN_STAFF}
# Every write refuses a caller who is not on this congress's own host (tenants.workflow.require_here).
HERE_ONLY = gettext_lazy("只能在本级人大的平台上办理议案建议。")


def can_view_suggestions(access: Access) -> bool:
    """The list and the pages of the module: the office, deputies, handling-unit and delegation staff here, and
    members of a special committee (with any role here), who see their committee's key suggestions."""
    if access.congress is None:
        return False
    return bool(access.roles & MODULE_ROLES) or sits_on_committee(access)


def sits_on_committee(access: Access) -> bool:
    """The caller, a member of this congress in any role, belongs to one of its special committees (专门委员会)."""
    if not _committees_here(access):
        return False
    return CommitteeMember.objects.filter(user_id=access.user.pk).exists()


def _committees_here(access: Access) -> bool:
    # SECURITY: committee rows live in the congress's schema; read them only there, for members of it.
    if access.congress is None or not access.is_member or access.user is None:
        return False
    return in_schema_of(access.congress)


def is_committee_member(access: Access, suggestion: Suggestion) -> bool:
    """The item is a key suggestion and the caller (a member here) belongs to the committee that follows it."""
    if not suggestion.is_key or suggestion.key_committee_id is None:
        return False
    if not _committees_here(access):
        return False
    return CommitteeMember.objects.filter(committee_id=suggestion.key_committee_id, user_id=access.user.pk).exists()


def can_create_draft(access: Access) -> bool:
    """Drafting: deputies of this congress (as lead deputy), or delegation staff on a deputy's behalf."""
    return access.congress is not None and bool(access.roles & {Role.DEPUTY, Role.DELEGATION_STAFF})


def is_lead_deputy(access: Access, suggestion: Suggestion) -> bool:
    """The caller is the item's lead deputy and holds the deputy role in this congress."""
    return Role.DEPUTY in access.roles and deputy_id_of(access.user) == suggestion.lead_deputy_id


def can_edit_draft(access: Access, suggestion: Suggestion) -> bool:
    """Change a draft and name its co-signers: the lead deputy, or the delegation staff member who drafted it."""
    if is_lead_deputy(access, suggestion):
        return True
    return (
        Role.DELEGATION_STAFF in access.roles and access.user is not None and suggestion.created_by_id == access.user.pk
    )


def can_submit(access: Access, suggestion: Suggestion) -> bool:
    """Submit: the lead deputy, or delegation staff on the deputy's behalf."""
    return is_lead_deputy(access, suggestion) or Role.DELEGATION_STAFF in access.roles


def is_item_deputy(access: Access, suggestion: Suggestion) -> bool:
    """The caller is a deputy on the item here: its lead deputy or a co-signer who confirmed."""
    if Role.DEPUTY not in access.roles:
        return False
    deputy_id = deputy_id_of(access.user)
    if deputy_id is None:
        return False
    if deputy_id == suggestion.lead_deputy_id:
        return True
    return suggestion.cosigners.filter(deputy_id=deputy_id, confirmed_at__isnull=False).exists()


def _staffs(access: Access, suggestion: Suggestion, *, lead_only: bool) -> bool:
    if Role.HANDLING_UNIT_STAFF not in access.roles or access.user is None:
        return False
    assignments = suggestion.assignments.all()
    if lead_only:
        assignments = assignments.filter(role=AssignmentRole.LEAD)
    units = assignments.values_list("unit_id", flat=True)
    return UnitStaff.objects.filter(user_id=access.user.pk, unit_id__in=units).exists()


def is_assigned_unit_staff(access: Access, suggestion: Suggestion) -> bool:
    """The caller staffs one of the units the item is assigned to (lead, joint, assisting or separate)."""
    return _staffs(access, suggestion, lead_only=False)


def is_lead_unit_staff(access: Access, suggestion: Suggestion) -> bool:
    """The caller staffs the item's lead unit (主办单位), the one that replies."""
    return _staffs(access, suggestion, lead_only=True)


def unit_ids_staffed(access: Access, suggestion: Suggestion, *, role: str | None = None) -> list[int]:
    """The units assigned to the item (optionally in one role) that the caller staffs; [] for everyone else."""
    if Role.HANDLING_UNIT_STAFF not in access.roles or access.user is None:
        return []
    assignments = suggestion.assignments.all()
    if role is not None:
        assignments = assignments.filter(role=role)
    units = assignments.values_list("unit_id", flat=True)
    return sorted(UnitStaff.objects.filter(user_id=access.user.pk, unit_id__in=units).values_list("unit_id", flat=True))


def is_joint_unit_staff(access: Access, suggestion: Suggestion) -> bool:
    """The caller staffs one of the item's joint units (会办单位), which send their opinion to the lead unit."""
    return bool(unit_ids_staffed(access, suggestion, role=AssignmentRole.JOINT))


def is_state_organ(access: Access) -> bool:
    """Staff of the government, the supervisory commission, the court or the procuratorate (一府一委两院) here:
    they follow, read only, how the items assigned to their departments are handled (督办), and read the
    overview; they take no step of the workflow."""
    return access.congress is not None and Role.STATE_ORGAN_STAFF in access.roles


def can_read_overview(access: Access) -> bool:
    """The overview table, its summaries and export: the office, and the state organs' staff (read only)."""
    return is_office(access) or is_state_organ(access)


def can_view_handling(access: Access, suggestion: Suggestion) -> bool:
    """Contacts, joint opinions, replies and evaluations, the history: the office, the item's deputies, the
    assigned units' staff, and the state organs' staff once the item is assigned."""
    if is_office(access) or is_item_deputy(access, suggestion) or is_assigned_unit_staff(access, suggestion):
        return True
    return is_state_organ(access) and suggestion.assignments.exists()
