"""The patient's laptop and the clinic as one service (issue 19).

- ``tokens``: one-time pairing codes, per-device tokens (only their SHA-256 kept at the clinic) and
  the HMAC that signs every payload with the device's token.
- ``clinic``: the clinic's side in the store: pairing codes, devices (revocable, one patient each),
  receiving a payload (the share bundle's own all-or-nothing import), the programme to hand out.
- ``api``: the clinic's HTTP API, an ASGI (Starlette) app served by uvicorn behind the same TLS
  reverse proxy as the physio's app (``coach clinic serve``).
- ``outbox``: the laptop's record of what is to go and what went (retries with backoff).
- ``client``: pairing a laptop (``coach pair CODE``), one sync (push what is new, pull the
  programme), and the background syncer the patient's app runs.
- ``words``: what the patient is told about delivery, honestly.
"""
