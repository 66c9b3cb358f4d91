"""Every route of a URL configuration, as the text of its pattern and its view."""

from django.urls import URLPattern, URLResolver


def routes(patterns, prefix=""):
    """(route, callback) for every pattern below `patterns`, the prefixes of the includes joined."""
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from routes(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            yield route, pattern.callback
