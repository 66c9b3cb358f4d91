"""Small facts about model fields that services validate against."""

from django.db import models


def max_length(model: type[models.Model], name: str) -> int:
    """The max_length of `model`'s CharField `name`, for length checks with a clear message before saving.
    Raises ValueError for a field without one (a programming error, found at import)."""
    length = getattr(model._meta.get_field(name), "max_length", None)
    if length is None:
        raise ValueError(f"{model.__name__}.{name} has no max_length")
    return length
