"""A person's own data, as one JSON file they download from their security page (个人信息保护法 Art. 45: the
right to a copy): the account, the roles held, for a deputy the registry record (identifiers in clear: they are
the deputy's own) and every seat, the API tokens' devices, the notices received, and the audit log's rows that
name them. Read from the public schema only; the download itself is logged."""

from django.utils import timezone

from shared_apps.audit.models import AuditEntry
from shared_apps.audit.services import record
from shared_apps.memberships.models import Membership
from shared_apps.notifications.models import Notification
from shared_apps.security.models import ApiToken

AUDIT_ROWS = 1000


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def personal_data(user) -> dict:
    deputy = getattr(user, "deputy", None)
    data: dict = {
        "exported_at": _iso(timezone.now()),
        "account": {
            "email": user.email,
            "name": user.name,
            "joined_at": _iso(user.date_joined),
            "last_login": _iso(user.last_login),
        },
        "roles": [
            {
                "congress": m.congress.name,
                "role": m.role,
                "role_name": m.get_role_display(),
                "since": _iso(m.created_at),
            }
            for m in Membership.objects.filter(user=user).select_related("congress").order_by("congress__name")
        ],
        "devices": [
            {"device": t.device, "signed_in_at": _iso(t.created_at), "expires_at": _iso(t.expires_at)}
            for t in ApiToken.objects.filter(user=user).order_by("created_at")
        ],
        "notices": [
            {"at": _iso(n.created_at), "title": n.title, "body": n.body, "read_at": _iso(n.read_at)}
            for n in Notification.objects.filter(user=user).order_by("created_at")
        ],
        "sign_ins_and_actions": [
            {"at": _iso(a.at), "action": a.action, "outcome": a.outcome, "address": a.address, "congress": a.congress}
            for a in AuditEntry.objects.filter(actor_id=user.pk).order_by("-id")[:AUDIT_ROWS]
        ],
        "deputy": None,
    }
    if deputy is not None:
        data["deputy"] = {
            "name": deputy.name,
            "gender": deputy.gender,
            "ethnicity": deputy.ethnicity,
            "date_of_birth": _iso(deputy.date_of_birth),
            "party": deputy.party,
            "occupation": deputy.occupation,
            "work_unit": deputy.work_unit,
            "biography": deputy.biography,
            "id_number": deputy.reveal_id_number(),
            "mobile": deputy.reveal_mobile() if deputy.mobile_token else "",
            "seats": [
                {
                    "congress": seat.congress.name if seat.congress else None,
                    "tier": seat.tier,
                    "term": str(seat.term),
                    "constituency": seat.constituency.name if seat.constituency else None,
                    "delegation": seat.delegation.name if seat.delegation else None,
                    "starts_on": _iso(seat.starts_on),
                    "ends_on": _iso(seat.ends_on),
                    "status": seat.status,
                }
                for seat in deputy.seats.select_related("congress", "term", "constituency", "delegation").order_by(
                    "starts_on"
                )
            ],
        }
    return data


def export(user) -> dict:
    """`personal_data(user)` handed to the person themselves: the download is logged."""
    data = personal_data(user)
    record("account.data_exported", actor=user)
    return data
