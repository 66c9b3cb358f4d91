"""The liaison module's pages, one module per subject: `stations` (the public index, a station's page and
poster, the office's station management), `messages` (the public's message form, the review of held
messages), `handling` (the handlers' inbox and a message with its actions, the sender's rating), `window` (the
interaction window, a deputy's and a studio's public page, the figures) and `tracker` (follow a message)."""
