"""A fall saved in the diary is answered with who to call and when to get help, in the physio's
wording for this computer (``fall_advice.txt`` in the data folder) or the default."""
from __future__ import annotations

from datetime import date

from tests.app.conftest import no_exception, run_page


def _save(falls: int, near: int = 0):
    at = run_page("diary")
    at.number_input(key=f"diary_falls_{date.today()}").set_value(falls)
    at.number_input(key=f"diary_near_falls_{date.today()}").set_value(near)
    at.button(key="diary_save").click().run()
    no_exception(at)
    return " ".join(m.value for m in at.markdown)


def test_a_fall_gets_the_default_guidance(home):
    text = _save(1)
    assert "diary-fall-advice" in text and "emergency number" in text and "physiotherapist" in text


def test_the_physio_sets_the_wording(home, app_env):
    app_env.mkdir(parents=True, exist_ok=True)
    (app_env / "fall_advice.txt").write_text("After a fall:\nRing the falls team on 0123 456789.\n")
    text = _save(2)
    assert "Ring the falls team on 0123 456789." in text and "emergency number" not in text


def test_no_fall_no_alarm_a_near_fall_a_line(home):
    assert "diary-fall-advice" not in _save(0)
    at = run_page("diary")
    at.number_input(key=f"diary_near_falls_{date.today()}").set_value(1)
    at.button(key="diary_save").click().run()
    assert any("Near-falls matter" in i.value for i in at.info)
