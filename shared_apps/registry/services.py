"""Writes to the registry. Memberships follow seats: a serving seat grants the deputy role in its congress,
an ended one withdraws it (deputy_sync_memberships)."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from shared_apps.memberships.models import Membership, Role
from shared_apps.memberships.permissions import Access
from shared_apps.memberships.services import membership_grant, membership_revoke
from shared_apps.registry import crypto, identifiers
from shared_apps.registry.models import (
    Constituency,
    Delegation,
    Deputy,
    RegistryEvent,
    Seat,
    SeatStatus,
    Term,
    TermStatus,
)
from shared_apps.registry.permissions import can_manage_registry
from shared_apps.registry.selectors import deputy_congress_ids, deputy_find
from tenants.workflow.history import record_event

PROFILE_FIELDS = ("name", "gender", "ethnicity", "date_of_birth", "party", "occupation", "work_unit", "biography")


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def _set_identifiers(deputy: Deputy, id_number: str, mobile: str | None) -> None:
    # SECURITY: the clear number is stored only encrypted; the keyed hash finds it, the masked copy is what is shown.
    deputy.id_number_token = crypto.encrypt(id_number)
    deputy.id_number_hash = crypto.lookup_hash(id_number)
    deputy.id_number_masked = identifiers.mask_id_number(id_number)
    if mobile is not None:
        deputy.mobile_token = crypto.encrypt(mobile) if mobile else ""
        deputy.mobile_hash = crypto.lookup_hash(mobile) if mobile else ""
        deputy.mobile_masked = identifiers.mask_mobile(mobile)


def clean_person(data: dict) -> dict:
    """Validate a person's data; returns it normalised or raises ValidationError keyed by field."""
    errors: dict[str, list[str]] = {}
    cleaned = dict(data)
    try:
        cleaned["id_number"] = identifiers.validate_id_number(data.get("id_number", ""))
    except ValidationError as exc:
        errors["id_number"] = exc.messages
    if data.get("mobile"):
        try:
            cleaned["mobile"] = identifiers.validate_mobile(data["mobile"])
        except ValidationError as exc:
            errors["mobile"] = exc.messages
    if not (data.get("name") or "").strip():
        errors["name"] = [_("姓名不能为空。")]
    if "id_number" not in errors:
        cleaned.setdefault("gender", identifiers.gender_from_id(cleaned["id_number"]))
        cleaned.setdefault("date_of_birth", identifiers.birth_date_from_id(cleaned["id_number"]))
        if not cleaned.get("gender"):
            cleaned["gender"] = identifiers.gender_from_id(cleaned["id_number"])
        if not cleaned.get("date_of_birth"):
            cleaned["date_of_birth"] = identifiers.birth_date_from_id(cleaned["id_number"])
    if errors:
        raise ValidationError(errors)
    return cleaned


def deputy_register(*, actor, data: dict) -> tuple[Deputy, bool]:
    """Create the person or, if the ID number is already registered (by any tier), update and link them.

    Returns (deputy, created). Callers check permission; raises ValidationError keyed by field.
    """
    cleaned = clean_person(data)
    with transaction.atomic():
        # A new person registered twice at once: the unique id_number_hash refuses the second insert (no duplicate).
        deputy = deputy_find(cleaned["id_number"])
        created = deputy is None
        if deputy is None:
            deputy = Deputy()
        changed = [f for f in PROFILE_FIELDS if f in cleaned and getattr(deputy, f) != cleaned[f]]
        for field in changed:
            setattr(deputy, field, cleaned[field])
        mobile = cleaned.get("mobile") if "mobile" in cleaned else None
        # Compared by keyed hash: the stored number is not decrypted just to see whether it changed.
        if created or (mobile and crypto.lookup_hash(mobile) != deputy.mobile_hash):
            _set_identifiers(deputy, cleaned["id_number"], mobile)
            changed.append("mobile")
        deputy.full_clean(exclude=["photo", "id_number_token", "id_number_hash", "id_number_masked"])
        deputy.save()
        if created or changed:
            record_event(
                RegistryEvent,
                actor=actor,
                kind=RegistryEvent.Kind.REGISTERED if created else RegistryEvent.Kind.UPDATED,
                deputy=deputy,
                data={"fields": sorted(set(changed))},
            )
    return deputy, created


def term_open(*, access: Access, congress, number: int, starts_on: datetime.date, tier: str | None = None) -> Term:
    """Open a new term for `congress` (None: the NPC). Refused while another term is open."""
    _require(can_manage_registry(access, congress), _("只有本级人大机关工作人员可以管理届次。"))
    # For the message; term_one_open_per_congress (term_one_open_national for the NPC) is the backstop in a race.
    if Term.objects.filter(congress=congress, status=TermStatus.OPEN).exists():
        raise ValidationError({"number": [_("本级人大已有进行中的一届，请先办理换届。")]})
    if Term.objects.filter(congress=congress, number=number).exists():
        raise ValidationError({"number": [_("第%(n)d届已存在。") % {"n": number}]})
    term = Term.objects.create(
        congress=congress, tier=tier or (congress.tier if congress else "national"), number=number, starts_on=starts_on
    )
    record_event(
        RegistryEvent, actor=access.user, kind=RegistryEvent.Kind.TERM_OPENED, term=term, data={"number": number}
    )
    return term


def constituency_get_or_create(term: Term, name: str) -> Constituency:
    # get_or_create over the unique (term, name): two imports naming a new constituency at once share one row.
    return Constituency.objects.get_or_create(term=term, name=name.strip())[0]


def delegation_get_or_create(term: Term, name: str) -> Delegation:
    return Delegation.objects.get_or_create(term=term, name=name.strip())[0]


@transaction.atomic
def seat_add(
    *,
    access: Access,
    deputy: Deputy,
    term: Term,
    starts_on: datetime.date,
    constituency: Constituency | None = None,
    delegation: Delegation | None = None,
) -> Seat:
    """Give `deputy` a seat in `term` (idempotent: an existing seat in that term is updated)."""
    _require(can_manage_registry(access, term.congress), _("只有本级人大机关工作人员可以管理代表席位。"))
    if not term.is_open:
        raise ValidationError({"term": [_("已换届的届次只能查看，不能修改。")]})
    # Over seat_one_per_term: a repeated or concurrent add finds the seat, and only its creator writes SEAT_ADDED.
    seat, created = Seat.objects.get_or_create(
        deputy=deputy,
        term=term,
        defaults={
            "congress": term.congress,
            "tier": term.tier,
            "starts_on": starts_on,
            "constituency": constituency,
            "delegation": delegation,
        },
    )
    if not created:
        seat.constituency, seat.delegation = constituency, delegation
        seat.save(update_fields=["constituency", "delegation"])
    else:
        record_event(
            RegistryEvent,
            actor=access.user,
            kind=RegistryEvent.Kind.SEAT_ADDED,
            deputy=deputy,
            term=term,
            data={"seat": seat.pk},
        )
        deputy_sync_memberships(deputy, actor=access.user)
    return seat


@transaction.atomic
def seat_end(*, access: Access, seat: Seat, status: str, ends_on: datetime.date) -> Seat:
    """End a seat (resigned, removed, deceased, term ended); the deputy loses access to that congress
    unless another serving seat keeps it."""
    _require(can_manage_registry(access, seat.congress), _("只有本级人大机关工作人员可以管理代表席位。"))
    if status == SeatStatus.SERVING or status not in SeatStatus.values:
        raise ValidationError({"status": [_("请选择席位终止的原因。")]})
    if not seat.term.is_open:
        raise ValidationError({"term": [_("已换届的届次只能查看，不能修改。")]})
    # Locked and read again: of two offices ending the seat at once, the second finds it ended and writes nothing.
    seat = Seat.objects.select_for_update().get(pk=seat.pk)
    if not seat.is_serving:
        return seat
    seat.status, seat.ends_on = status, ends_on
    seat.save(update_fields=["status", "ends_on"])
    record_event(
        RegistryEvent,
        actor=access.user,
        kind=RegistryEvent.Kind.SEAT_ENDED,
        deputy=seat.deputy,
        term=seat.term,
        data={"seat": seat.pk, "status": status},
    )
    deputy_sync_memberships(seat.deputy, actor=access.user)
    return seat


@transaction.atomic
def term_close(
    *,
    access: Access,
    term: Term,
    ends_on: datetime.date,
    next_number: int | None = None,
    next_starts_on: datetime.date | None = None,
) -> Term | None:
    """换届: end every serving seat of `term`, withdraw the access those seats gave, close the term and,
    if `next_number` is given, open the next one. Returns the new term (or None)."""
    _require(can_manage_registry(access, term.congress), _("只有本级人大机关工作人员可以办理换届。"))
    # Locked: of two 换届 at once, the second finds the term closed and is refused.
    term = Term.objects.select_for_update().get(pk=term.pk)
    if not term.is_open:
        raise ValidationError({"term": [_("该届次已经换届。")]})
    serving = list(Seat.objects.filter(term=term, status=SeatStatus.SERVING).select_related("deputy"))
    Seat.objects.filter(pk__in=[s.pk for s in serving]).update(status=SeatStatus.TERM_ENDED, ends_on=ends_on)
    term.status, term.ends_on = TermStatus.CLOSED, ends_on
    term.save(update_fields=["status", "ends_on"])
    record_event(
        RegistryEvent,
        actor=access.user,
        kind=RegistryEvent.Kind.TERM_CLOSED,
        term=term,
        data={"seats_ended": len(serving)},
    )
    for deputy in {s.deputy for s in serving}:
        deputy_sync_memberships(deputy, actor=access.user)
    if next_number is None:
        return None
    return term_open(
        access=access, congress=term.congress, number=next_number, starts_on=next_starts_on or ends_on, tier=term.tier
    )


def deputy_sync_memberships(deputy: Deputy, *, actor=None) -> None:
    """Make the deputy role in each congress match the deputy's serving seats (no account: nothing to do)."""
    if deputy.user_id is None:
        return
    serving = set(
        Seat.objects.filter(deputy=deputy, status=SeatStatus.SERVING, congress__isnull=False).values_list(
            "congress_id", flat=True
        )
    )
    held = {
        m.congress_id: m.congress
        for m in Membership.objects.filter(user_id=deputy.user_id, role=Role.DEPUTY).select_related("congress")
    }
    from tenants.models import Congress

    for congress in Congress.objects.filter(pk__in=serving - set(held)):
        membership_grant(actor=actor, user=deputy.user, congress=congress, role=Role.DEPUTY)
    for congress_id in set(held) - serving:
        membership_revoke(actor=actor, user=deputy.user, congress=held[congress_id], role=Role.DEPUTY)


EDITABLE_FIELDS = ("ethnicity", "party", "occupation", "work_unit", "biography")
PHOTO_MAX_BYTES = 5 * 1024 * 1024


@transaction.atomic
def deputy_update_profile(*, access: Access, deputy: Deputy, data: dict, photo=None) -> Deputy:
    """Change a deputy's public profile and mobile number. Offices of congresses where the deputy sits.

    Name, ID number, gender and birth date come from the roster (re-import to correct them).
    """
    from shared_apps.registry.permissions import can_edit_deputy

    _require(
        can_edit_deputy(access, deputy_congress_ids(deputy)), _("只有代表所在人大的机关工作人员可以修改代表信息。")
    )
    deputy = Deputy.objects.select_for_update().get(pk=deputy.pk)
    changed = [f for f in EDITABLE_FIELDS if f in data and getattr(deputy, f) != data[f]]
    for field in changed:
        setattr(deputy, field, data[field])
    if data.get("mobile"):
        try:
            mobile = identifiers.validate_mobile(data["mobile"])
        except ValidationError as exc:
            raise ValidationError({"mobile": exc.messages}) from None
        if crypto.lookup_hash(mobile) != deputy.mobile_hash:
            _set_identifiers(deputy, deputy.reveal_id_number(), mobile)
            changed.append("mobile")
    if photo is not None:
        if photo.size > PHOTO_MAX_BYTES:
            raise ValidationError({"photo": [_("照片不能超过5MB。")]})
        deputy.photo.save(f"{deputy.pk}-{photo.name}", photo, save=False)
        changed.append("photo")
    deputy.full_clean(exclude=["photo", "id_number_token", "id_number_hash", "id_number_masked"])
    deputy.save()
    if changed:
        record_event(
            RegistryEvent,
            actor=access.user,
            kind=RegistryEvent.Kind.UPDATED,
            deputy=deputy,
            data={"fields": sorted(changed)},
        )
    return deputy


@transaction.atomic
def seat_register(*, access: Access, term: Term, data: dict, starts_on: datetime.date | None = None) -> Seat:
    """Register one person (or link the registered one) and give them a seat in `term` — e.g. after a
    by-election — in one transaction. `data` holds the person's fields plus `constituency` and `delegation`
    names. Office staff and administrators of the term's congress."""
    _require(can_manage_registry(access, term.congress), _("只有本级人大机关工作人员可以管理代表席位。"))
    if not term.is_open:
        raise ValidationError({"term": [_("已换届的届次只能查看，不能修改。")]})
    constituency_name = (data.get("constituency") or "").strip()
    if not constituency_name:
        raise ValidationError({"constituency": [_("请填写选区。")]})
    deputy, _created = deputy_register(actor=access.user, data=data)
    delegation = delegation_get_or_create(term, data["delegation"]) if (data.get("delegation") or "").strip() else None
    return seat_add(
        access=access,
        deputy=deputy,
        term=term,
        starts_on=starts_on or term.starts_on,
        constituency=constituency_get_or_create(term, constituency_name),
        delegation=delegation,
    )


# --- many at once (roster import) -------------------------------------------------------------------------

_CLEAN_EXCLUDE = [
    "photo",
    "id_number_token",
    "id_number_hash",
    "id_number_masked",
    "mobile_token",
    "mobile_hash",
    "mobile_masked",
    "user",
]


class RowErrors(ValidationError):
    """Validation failures of a batch, by position: {index: [messages]}."""

    def __init__(self, by_index: dict[int, list[str]]):
        super().__init__([m for messages in by_index.values() for m in messages])
        self.by_index = by_index


def _clean_batch(people: list[dict]) -> list[dict]:
    cleaned, errors = [], {}
    for index, data in enumerate(people):
        try:
            cleaned.append(clean_person(data))
        except ValidationError as exc:
            errors[index] = [f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items()]
    if errors:
        raise RowErrors(errors)
    return cleaned


def _apply_person(deputy: Deputy, data: dict, created: bool) -> list[str]:
    """Copy `data` onto `deputy` (identifiers too); returns the changed field names."""
    changed = [f for f in PROFILE_FIELDS if f in data and getattr(deputy, f) != data[f]]
    for field in changed:
        setattr(deputy, field, data[field])
    mobile = data.get("mobile") or None
    if created or (mobile and crypto.lookup_hash(mobile) != deputy.mobile_hash):
        _set_identifiers(deputy, data["id_number"], mobile if mobile else ("" if created else None))
        changed.append("identifiers")
    return changed


@transaction.atomic
def deputies_register_many(*, actor, people: list[dict]) -> list[tuple[Deputy, bool]]:
    """deputy_register for a whole roster in a handful of statements: one lookup, one insert, one update and
    one history insert, whatever the number of people. All or nothing; raises RowErrors by position."""
    cleaned = _clean_batch(people)
    hashes = [crypto.lookup_hash(data["id_number"]) for data in cleaned]
    # Locked: an edit or import of the same people waits, so bulk_update cannot overwrite their changes.
    existing = {d.id_number_hash: d for d in Deputy.objects.select_for_update().filter(id_number_hash__in=hashes)}
    results: list[tuple[Deputy, bool]] = []
    to_create: list[Deputy] = []
    to_update: list[Deputy] = []
    changes: list[list[str]] = []
    errors: dict[int, list[str]] = {}
    for index, (data, key) in enumerate(zip(cleaned, hashes, strict=True)):
        deputy, created = (existing[key], False) if key in existing else (Deputy(), True)
        changed = _apply_person(deputy, data, created)
        try:
            deputy.clean_fields(exclude=_CLEAN_EXCLUDE)
        except ValidationError as exc:
            errors[index] = exc.messages
        (to_create if created else to_update if changed else []).append(deputy)
        # A person twice in one batch is one Deputy: the later row updates the one the earlier row creates.
        existing.setdefault(key, deputy)
        results.append((deputy, created))
        changes.append(changed)
    if errors:
        raise RowErrors(errors)
    # Someone registered meanwhile by another import hits the unique id_number_hash: the whole batch rolls back.
    Deputy.objects.bulk_create(to_create)
    fields = ["updated_at", *PROFILE_FIELDS, "mobile_token", "mobile_hash", "mobile_masked"]
    Deputy.objects.bulk_update(to_update, fields, batch_size=500)
    RegistryEvent.objects.bulk_create(
        [
            RegistryEvent(
                kind=RegistryEvent.Kind.REGISTERED if created else RegistryEvent.Kind.UPDATED,
                deputy=deputy,
                actor=actor,
                data={"fields": sorted(set(changed))},
            )
            for (deputy, created), changed in zip(results, changes, strict=True)
            if created or changed
        ]
    )
    return results


@transaction.atomic
def seats_add_many(*, access: Access, term: Term, entries: list[dict]) -> int:
    """seat_add for many deputies of one term: each entry {deputy, starts_on, constituency, delegation}.
    Existing seats in the term get the new constituency and delegation. Returns how many seats were created."""
    _require(can_manage_registry(access, term.congress), _("只有本级人大机关工作人员可以管理代表席位。"))
    if not term.is_open:
        raise ValidationError({"term": [_("已换届的届次只能查看，不能修改。")]})
    existing = {
        s.deputy_id: s
        # Locked: concurrent updates of an existing seat take turns; a seat added meanwhile meets seat_one_per_term.
        for s in Seat.objects.select_for_update().filter(term=term, deputy__in=[e["deputy"] for e in entries])
    }
    new, changed = [], []
    for entry in entries:
        seat = existing.get(entry["deputy"].pk)
        if seat is None:
            new.append(
                Seat(
                    deputy=entry["deputy"],
                    term=term,
                    congress=term.congress,
                    tier=term.tier,
                    starts_on=entry["starts_on"] or term.starts_on,
                    constituency=entry["constituency"],
                    delegation=entry.get("delegation"),
                )
            )
        else:
            seat.constituency, seat.delegation = entry["constituency"], entry.get("delegation")
            changed.append(seat)
    Seat.objects.bulk_create(new)
    Seat.objects.bulk_update(changed, ["constituency", "delegation"], batch_size=500)
    RegistryEvent.objects.bulk_create(
        [
            RegistryEvent(
                kind=RegistryEvent.Kind.SEAT_ADDED,
                deputy=seat.deputy,
                term=term,
                actor=access.user,
                data={"seat": seat.pk},
            )
            for seat in new
        ]
    )
    for deputy in {seat.deputy for seat in new if seat.deputy.user_id is not None}:
        deputy_sync_memberships(deputy, actor=access.user)
    return len(new)
