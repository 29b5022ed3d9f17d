"""The patient's "Easier to see" switches: larger text and high contrast, styles on the page when on,
kept in the address so a reload keeps them."""
from __future__ import annotations

from streamlit.testing.v1 import AppTest

SCRIPT = "from coach.app import ui\nui.apply_style()\nui.accessibility()\n"


def _styles(at) -> str:
    return " ".join(m.value for m in at.markdown) + " ".join(m.value for m in at.sidebar.markdown)


def test_switches_add_their_styles_and_are_kept_in_the_address():
    at = AppTest.from_string(SCRIPT).run()
    assert [t.label for t in at.sidebar.toggle] == ["Larger text", "High contrast"]
    assert "font-size: 20px" not in _styles(at)
    at.sidebar.toggle[0].set_value(True).run()
    assert "font-size: 20px" in _styles(at) and at.query_params.get("text") in ("large", ["large"])
    at.sidebar.toggle[1].set_value(True).run()
    assert "outline: 4px solid" in _styles(at) and at.query_params.get("contrast") in ("high", ["high"])
    at.sidebar.toggle[0].set_value(False).run()
    assert "font-size: 20px" not in _styles(at) and "text" not in at.query_params


def test_the_address_turns_them_on():
    at = AppTest.from_string(SCRIPT)
    at.query_params["contrast"] = "high"
    at.run()
    assert at.sidebar.toggle[1].value is True and "outline: 4px solid" in _styles(at)
