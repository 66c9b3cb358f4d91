"""Registry helpers: the platform administrator's access and deputies with a seat, made through the services."""

from django.contrib.auth import get_user_model

from shared_apps.memberships.permissions import Access
from shared_apps.registry import services as registry
from shared_apps.registry.identifiers import id_check_digit
from shared_apps.registry.models import Deputy

ROOT = Access(user=None, congress=None, is_platform_admin=True)


def seated_deputy(n: int, congress_key_term, email: str | None = None) -> Deputy:
    """A new deputy with a serving seat in the term (and an account, given `email`), through the services."""
    first17 = f"52011119800101{n:03d}"
    deputy, _created = registry.deputy_register(
        actor=None, data={"name": f"代表{n}", "id_number": first17 + id_check_digit(first17)}
    )
    if email:
        deputy.user = get_user_model().objects.create_user(email=email, name=f"代表{n}")
        deputy.save(update_fields=["user"])
    registry.seat_add(access=ROOT, deputy=deputy, term=congress_key_term, starts_on=congress_key_term.starts_on)
    return deputy
