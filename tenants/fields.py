"""Small facts about model fields that services validate against."""

from django.db import models


def max_length(model: type[models.Model], name: str) -> int:
    """The max_length of `model`'s CharField `name`, for length checks with a clear message before saving.
    Raises ValueError for a field without one (a programming error, found at import)."""
    length = getattr(model._meta.get_field(name), "max_length", None)
    if length is None:
        raise ValueError(f"{model.__name__}.{name} has no max_length")
    return length


def public_reference(to: str | type[models.Model], **options) -> models.ForeignKey:
    """A congress table's reference to a public table (an account, a deputy, a congress): by id, with no database
    constraint, and no deletion cascade (Django's collector cannot see congress schemas). A constraint per
    congress would put two triggers each on the public table, and every new congress would cost more
    (docs/province.md); the public rows referred to are never deleted instead."""
    options.setdefault("related_name", "+")
    return models.ForeignKey(to, db_constraint=False, on_delete=models.DO_NOTHING, **options)
