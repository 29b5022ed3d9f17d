"""The server ``coach app`` runs: the pages of ``streamlit_app.py`` behind ``coach.app.guard``
(this computer's host names only, other sites' origins refused, uploads only after login and
within the app's limits). ``streamlit run coach_server.py`` serves it; see ``coach.app.guard``."""
import streamlit as st
from starlette.middleware import Middleware

from coach.app.guard import Guard

app = st.App("streamlit_app.py", middleware=[Middleware(Guard)])
