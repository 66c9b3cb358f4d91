"""What every API view of the platform shares that needs no app: turning a service's refusals into API errors.
The base classes every API view inherits (they resolve the congress and the caller's standing) are in
shared_apps.memberships.api_base."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework.exceptions import PermissionDenied, ValidationError


def call_service(func, **kwargs):
    """Run a service, turning its Django errors into API errors (400 by field, 403)."""
    try:
        return func(**kwargs)
    except DjangoValidationError as exc:
        raise ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages) from None
    except DjangoPermissionDenied as exc:
        raise PermissionDenied(str(exc) or None) from None


def validated(serializer_class, request, *, partial: bool = False) -> dict:
    """The request's body checked by `serializer_class` (400 with errors by field when it does not pass)."""
    data = serializer_class(data=request.data, partial=partial)
    data.is_valid(raise_exception=True)
    return dict(data.validated_data)
