from django import template
from django.utils.html import format_html

from shared_apps.idempotency.forms import FIELD, new_token, posted_token

register = template.Library()


@register.simple_tag(takes_context=True)
def once_token(context) -> str:
    """The hidden field of a form that creates something: the token posted with it when the page is drawn
    again after an error, else a new one (shared_apps.idempotency.forms)."""
    request = context.get("request")
    token = (posted_token(request) if request is not None else None) or new_token()
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD, token)
