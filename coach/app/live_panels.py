"""The live page's panels for balance holds and the metronome (HTML for ``st.markdown`` and one
``components.html`` block); the page (``coach.app.pages.live``) only places them.

The metronome plays in the patient's browser: WebAudio schedules our own click
(``coach.live.metronome``, embedded as a WAV data URI: nothing is fetched) on the beats of the
wall-clock grid that the server judges reps against (``coach.live.pacer``: whole multiples of the
period since the Unix epoch; browser and server run on the same machine, so they share the clock).
The disc on the page flashes from the same clock as the sound, so sight and sound agree. It plays
only while the page shows a set in progress (the board's ``#coach-beat-on`` marker), and it lives
in the top page (``window.parent``), which the patient's "Start" press has already allowed to
make sound.
"""
from __future__ import annotations

import base64
import html
import io
import wave

import numpy as np

from coach.live import metronome

BEAT_MARKER_ID = "coach-beat-on"


def click_wav_b64(sample_rate: int = metronome.SAMPLE_RATE) -> str:
    """One click as a 16-bit mono WAV, base64."""
    samples = (metronome.click(sample_rate) * 32767).astype("<i2")
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(sample_rate)
        w.writeframes(samples.tobytes())
    return base64.b64encode(buf.getvalue()).decode("ascii")


def seconds_text(s: float) -> str:
    return f"{int(s)}"


def hold_counter_html(holding: bool, shown_s: float, target_s: float, best_s: float, holds_done: int,
                      holds_target: int, set_no: int, sets_total: int) -> str:
    """The big hold clock (whole seconds: never shown above what was held), the target and the best."""
    reached = shown_s >= target_s
    state = "holding" if holding else "stopped"
    share = float(np.clip(shown_s / target_s, 0.0, 1.0)) if target_s > 0 else 0.0
    colour = "#1a7f37" if reached else ("#f0b400" if holding else "#888")
    now = min(holds_done + (1 if holding else 0), holds_target)
    return (f"<div class='coach-counter coach-hold' data-testid='coach-hold-counter' data-state='{state}'>"
            f"<div class='of'>Hold {max(now, 1)} of {holds_target}"
            + (f" (set {set_no} of {sets_total})" if sets_total > 1 else "") + "</div>"
            f"<div class='num' id='coach-hold-seconds' data-seconds='{shown_s:.2f}'>{seconds_text(shown_s)}"
            f"<span style='font-size:0.4em'> s</span></div>"
            f"<div class='of'>{'Holding' if holding else 'Time stopped'} &middot; target {target_s:.0f} s</div>"
            f"<div style='height:14px;background:#ddd;border-radius:7px;margin:6px 0'>"
            f"<div style='height:14px;width:{share * 100:.0f}%;background:{colour};border-radius:7px'></div></div>"
            f"<div class='of' id='coach-hold-best' data-seconds='{best_s:.2f}'>Best today: {seconds_text(best_s)} s</div>"
            f"</div>")


def alert_html(text: str) -> str:
    """A safety message that stays until the patient carries on: big, red, unmissable."""
    if not text:
        return ""
    return (f"<div class='coach-cue safety' data-testid='coach-alert' role='alert' "
            f"style='font-size:2.2rem;font-weight:700;background:#b3261e;color:#fff;padding:18px;"
            f"border-radius:10px;text-align:center'>{html.escape(text)}</div>")


def beat_marker_html(on: bool) -> str:
    """Put in the board: the metronome sounds only while it is there."""
    return f"<span id='{BEAT_MARKER_ID}' hidden></span>" if on else ""


def metronome_html(period_s: float) -> str:
    """The metronome block (for ``components.html``, ~120 px tall): a flashing disc and the tempo
    in words; the sound is scheduled in the top page."""
    per_min = 60.0 / period_s
    # Slow beats read best as seconds apart ("one every 4 s"), quick ones as a rate ("40 a minute").
    slow = period_s >= 3.0 or abs(per_min - round(per_min)) >= 0.05
    words = f"one every {period_s:g} s" if slow else f"{per_min:.0f} a minute"
    return f"""
<div style="display:flex;align-items:center;gap:18px;font-family:sans-serif">
  <div id="disc" style="flex:0 0 90px;width:90px;height:90px;box-sizing:border-box;border-radius:50%;border:6px solid #555;background:#333"></div>
  <div style="font-size:26px;font-weight:700;color:#222">Move with the beat<br>
    <span style="font-size:20px;font-weight:400">{html.escape(words)}</span></div>
</div>
<script>
(function () {{
  const PERIOD = {period_s!r}, MARKER = "{BEAT_MARKER_ID}", WAV = "data:audio/wav;base64,{click_wav_b64()}";
  const top = window.parent;
  const disc = document.getElementById("disc");
  // One metronome per top page, kept across Streamlit's re-renders of this block.
  if (top.__coachMetronome) {{ top.__coachMetronome.stop(); }}
  const m = {{ beats: [], timer: null, ctx: null, buffer: null, next: 0 }};
  top.__coachMetronome = m;
  top.__coachBeats = m.beats;  // the wall times of the beats played (tests read them)
  function on() {{ return !!top.document.getElementById(MARKER); }}
  function audio() {{
    if (m.ctx) return m.ctx;
    try {{
      const AC = top.AudioContext || top.webkitAudioContext;
      m.ctx = new AC();
      fetch(WAV).then(r => r.arrayBuffer()).then(b => m.ctx.decodeAudioData(b)).then(buf => {{ m.buffer = buf; }})
        .catch(() => {{}});
    }} catch (e) {{ m.ctx = null; }}
    return m.ctx;
  }}
  function play(at) {{  // at: seconds on the audio clock
    const ctx = m.ctx;
    if (m.buffer) {{
      const s = ctx.createBufferSource(); s.buffer = m.buffer; s.connect(ctx.destination); s.start(at);
    }} else {{  // the click not decoded yet: a plain 1 kHz blip
      const o = ctx.createOscillator(), g = ctx.createGain();
      o.frequency.value = 1000; g.gain.setValueAtTime(0.6, at); g.gain.exponentialRampToValueAtTime(0.001, at + 0.035);
      o.connect(g); g.connect(ctx.destination); o.start(at); o.stop(at + 0.04);
    }}
  }}
  function schedule() {{
    const nowWall = Date.now() / 1000;
    if (!on()) {{ m.next = 0; return; }}
    const ctx = audio();
    if (ctx && ctx.state === "suspended") ctx.resume();
    if (!m.next || m.next < nowWall) m.next = Math.ceil(nowWall / PERIOD) * PERIOD;
    while (m.next < nowWall + 0.15) {{  // schedule what falls in the next 150 ms, on the epoch grid
      if (ctx) play(ctx.currentTime + (m.next - nowWall));
      m.beats.push(m.next); if (m.beats.length > 200) m.beats.shift();
      m.next += PERIOD;
    }}
  }}
  function draw() {{
    const since = (Date.now() / 1000) % PERIOD;
    const lit = on() && since < 0.18;
    disc.style.background = lit ? "#f0b400" : "#333";
    disc.style.borderColor = lit ? "#f0b400" : "#555";
    requestAnimationFrame(draw);
  }}
  m.timer = setInterval(schedule, 25);
  m.stop = function () {{ clearInterval(m.timer); if (m.ctx) m.ctx.close(); }};
  requestAnimationFrame(draw);
}})();
</script>"""


def side_lines(coach) -> list[str]:
    """A sided exercise's summary per side in the patient's words (``coach.reports.per_side``),
    from the reps of the session's sets as they were recorded (``BrowserCoach.reps``)."""
    from coach.reports.per_side import patient_lines

    session = coach.session
    settings = {"tempo_per_min": session.pacer.tempo.per_min} if session.pacer is not None else {}
    return patient_lines(session.exercise, coach.reps, settings)
