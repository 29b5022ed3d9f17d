"""The scripts the live pages inject next to the browser camera (``coach.app.live_camera``): plain
JavaScript run against the top page (same origin), nothing fetched. Each works on a timer: the
camera component's frame appears a moment after the page, and React may redraw it.
"""

AUTO_START_JS = """<script>
// One press: the patient's "Start" already asked for the camera, so press the camera component's
// own start button for them (same-origin iframe), once, as soon as it is there. Each rerun before
// the stream plays adds this script again; the press is marked on the component's own window so a
// second copy, reading a label React has not redrawn yet (a busy machine), does not press "start"
// twice (a second press stops the stream it just started). A later press is allowed after 10 s:
// a stream that failed to start is tried again.
(function () {
  let tries = 0;
  const timer = setInterval(function () {
    tries += 1;
    try {
      const frame = [...window.parent.document.querySelectorAll("iframe")]
        .find(f => (f.title || "").includes("streamlit_webrtc"));
      const win = frame && frame.contentWindow;
      const button = frame && frame.contentDocument && frame.contentDocument.querySelector("button");
      if (win && win.coachPressedAt && Date.now() - win.coachPressedAt < 10000) { clearInterval(timer); return; }
      if (button && /start/i.test(button.innerText || "")) {
        win.coachPressedAt = Date.now();
        button.click();
        clearInterval(timer);
      }
    } catch (e) { /* not ready yet */ }
    if (tries > 120) clearInterval(timer);
  }, 250);
})();
</script>"""
# The coaching screen starts at its top: Streamlit keeps the scroll position of the page the "Start"
# was pressed on (a card low on Today), which left the counter and the video off-screen for someone
# standing 2-3 m away. And one stop button: the camera component's own "Stop the camera" is hidden
# (the page's "Finish" ends the session as the patient's choice; the component's ended the stream,
# which is recorded as cut off). Both kept up while the coach page is shown (React may redraw them).
SCREEN_JS = """<script>
(function () {
  const doc = window.parent.document, t0 = Date.now();
  function top() {
    for (const el of [doc.querySelector("[data-testid='stMain']"), doc.scrollingElement]) {
      if (el) el.scrollTop = 0;
    }
  }
  function hideStop() {
    for (const f of doc.querySelectorAll("iframe")) {
      if (!(f.title || "").includes("streamlit_webrtc")) continue;
      try {
        for (const b of f.contentDocument.querySelectorAll("button")) {
          if (/stop/i.test(b.innerText || "")) b.style.display = "none";
        }
      } catch (e) { /* not ready yet */ }
    }
  }
  const timer = setInterval(function () {
    if (Date.now() - t0 < 2500) top();
    hideStop();
  }, 150);
  window.addEventListener("unload", function () { clearInterval(timer); });
})();
</script>"""
