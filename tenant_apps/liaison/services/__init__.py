"""Writes of the liaison module, one module per subject: `messages` (the handlers' steps on a message, the look
at a sender's number, the sender's rating), `submission` (a message from the public, the review of held ones)
and `stations` (the office's stations). Each service checks permission, runs in one transaction and leaves a
history row; status changes go through the workflow core (workflow.py's tables)."""
