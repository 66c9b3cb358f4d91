"""What follows a change of an item, in the same transaction: the services call these, never the reverse.

after_transition runs after every workflow action, item_changed after every other write (co-signers, ...).
"""

from tenant_apps.suggestions import commitments, inbox


def after_transition(step, action: str, from_status: str) -> None:
    commitments.on_transition(step, action, from_status)
    item_changed(step.access, step.item)


def item_changed(access, item) -> None:
    inbox.refresh_for_item(access.congress, item)
