"""Sections of an item's page contributed by the module's features (attachments, screening, publication...).

Each entry names a function `panel(request, item) -> dict | None`; a dict holds "template" (a template
rendered with the dict as `panel`) and whatever that template needs. None: nothing for this caller.
"""

from django.utils.module_loading import import_string

PANELS = (
    "tenant_apps.suggestions.screening.panel",
    "tenant_apps.suggestions.similar.panel",
    "tenant_apps.suggestions.attachments.panel",
    "tenant_apps.suggestions.key_items.panel",
    "tenant_apps.suggestions.commitments.panel",
    "tenant_apps.suggestions.publication.panel",
)


def panels_for(request, item) -> list[dict]:
    found = []
    for path in PANELS:
        panel = import_string(path)(request, item)
        if panel is not None:
            found.append(panel)
    return found
