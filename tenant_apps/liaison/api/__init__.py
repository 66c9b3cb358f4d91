"""The liaison module's REST API (/api/v1/liaison/), one module per subject, as the pages (views/): `stations`
(with the window and the figures), `messages` (the public's messages, the review of held ones), `handling` (the
handlers' workspace and the sender's rating) and `tracker`."""
