"""The browser app (Streamlit): patient pages (today's programme, live coaching, video upload) and
physiotherapist pages (patients, session review, progress, programme).

A thin shell: every number comes from ``coach.pipeline`` / ``coach.live`` / ``coach.analysis``
and every record from ``coach.store``. ``streamlit_app.py`` calls ``coach.app.main.run``;
``coach app`` starts it bound to localhost. Importing this package does nothing.
"""
