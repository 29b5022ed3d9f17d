"""Browser app: ``streamlit run streamlit_app.py`` (or ``coach app``). See ``coach.app``."""
from coach.app.main import run

run()
