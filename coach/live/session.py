"""``LiveSession``: the live coach as one object that frames are pushed into.

``push(frame) -> LiveUpdate`` runs the shared ``Pipeline`` and then, in order, the safety
monitor, the set-up check, the set controller, fatigue and cues, renders the HUD and hands the
update to the sinks (speaker, store, window, metronome). Balance holds (``coach.live.holds``):
each finished hold counts like a rep, and a loss of balance ends the set and pauses it until the
patient carries on. With a tempo (``coach.live.pacer``) each rep is timed against the beat. The CLI's ``LiveRunner`` pulls frames from a
camera and pushes them here; the browser app pushes from its frame callback. Logic runs on frame
timestamps, never on frame counts, so dropped frames change nothing but smoothness.
"""
from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass, field
from typing import Callable, Protocol

from coach.pipeline import FrameResult, Pipeline
from coach.sources import TimedFrame

from coach.live.cues import SAFETY, Cue, CueEngine
from coach.live.dual_task import EVENT_KIND as DUAL_TASK_EVENT, DualTaskPrompter
from coach.live.fatigue import FatigueMonitor
from coach.live.holds import BALANCE_LOSS_CUE, DEFAULT_TARGET_S, HoldCoach
from coach.live.pacer import TRACE_S, LivePacer
from coach.live.safety import SafetyMonitor
from coach.live.sets import ACTIVE, DONE, PAUSED, SETUP, SetController, SetEvent, SetPlan
from coach.live.setup_check import SetupResult, frame_brightness, frame_problems, needs_for, summarise_setup
from coach.live.update import LiveSummary, LiveUpdate, SessionEvent

CUE_HOLD_S = 3.0  # a cue stays on screen this long
SETUP_EVERY_S = 0.25  # the set-up check looks at the last SETUP_WINDOW_S, this often
SETUP_WINDOW_S = 1.5
RECORDED_SAFETY = ("fall_like", "out_of_view", "back_in_view")
LOSS_ENDS_SET_S = 2.0  # a balance loss this soon after a set ended belongs to that set (its last hold)
COUNTED = ("rep", "hold")  # exercise events that count towards the set (a finished hold counts like a rep)
STORAGE_LAG_CUE = "Saving is behind. Keep going: nothing is lost."


class Sink(Protocol):
    def on_update(self, update: LiveUpdate) -> None: ...

    def close(self, summary: LiveSummary) -> None: ...


class Renderer(Protocol):
    def render(self, image, pose, update: LiveUpdate): ...


@dataclass
class LiveSession:
    pipeline: Pipeline
    exercise: str
    plan: SetPlan = field(default_factory=SetPlan)
    side: str = "both"
    fatigue: FatigueMonitor = field(default_factory=FatigueMonitor)
    cue_engine: CueEngine = field(default_factory=CueEngine)
    safety: SafetyMonitor = field(default_factory=SafetyMonitor)
    renderer: Renderer | None = None
    sinks: list = field(default_factory=list)
    speech_name: str = "none"
    clock: Callable[[], float] = time.monotonic
    holds: HoldCoach | None = None  # hold exercises (made here, with ``hold_s`` as target, if not given)
    hold_s: float | None = None  # each hold's target (a hold exercise; default ``holds.DEFAULT_TARGET_S``)
    pacer: LivePacer | None = None  # a metronome tempo was prescribed
    wall_clock: Callable[[], float] = time.time  # the metronome's beat grid is on the wall clock
    dual_task: DualTaskPrompter | None = None  # a thinking task said at each set's start (coach.live.dual_task)

    def __post_init__(self) -> None:
        self.sets = SetController(self.plan)
        self.needs = needs_for(self.exercise)
        self.events: list[SessionEvent] = []
        self.latencies_ms: list[float] = []
        self.frames_processed = 0
        self.setup = SetupResult(False)
        self.setup_problems: list[str] = []
        self._poses: deque = deque()  # (time, that frame's set-up problems)
        self._brightness: float | None = None
        self._setup_checked_s = float("-inf")
        self._cue: Cue | None = None
        self._range = [float("inf"), float("-inf")]  # key angle min/max since the last rep
        self._last_t = 0.0
        self._first_t: float | None = None
        self._source_lost = False
        self._actions: deque = deque()  # key presses from the UI thread, applied on the next frame
        self._pending_set_events: list[SetEvent] = []  # from source_back, emitted with the next frame
        self._pending_events: list[SessionEvent] = []
        self.stopped_by_patient = False
        self._storage_lagging = False
        self._alert = ""
        self._trace: deque = deque()  # (t, key measure) for dating movement onsets (metronome)
        spec = self.pipeline.exercise.spec
        if self.holds is None and spec.timed_hold:  # the one place a HoldCoach is made (the factory passes hold_s)
            self.holds = HoldCoach(spec.name, self.hold_s or DEFAULT_TARGET_S)

    # --- input --------------------------------------------------------------------------------

    @property
    def source_is_lost(self) -> bool:
        return self._source_lost

    @property
    def finished(self) -> bool:
        return self.sets.phase == DONE

    def request(self, action: str) -> None:
        """From the UI: "go" (start now / end rest / resume), "rest" (end the set early), "stop"."""
        if action not in ("go", "rest", "stop"):
            raise ValueError(f"unknown action {action!r}")
        self._actions.append(action)

    def push(self, frame: TimedFrame, captured_at: float | None = None) -> LiveUpdate:
        """Process one frame; ``captured_at`` (monotonic) is when it left the camera."""
        captured_at = self.clock() if captured_at is None else captured_at
        t = frame.timestamp_s
        self._first_t = t if self._first_t is None else self._first_t
        self._last_t = t
        if self.pacer is not None:  # the wall time the frame was taken (captured_at is monotonic)
            self.pacer.sync(t, self.wall_clock() - (self.clock() - captured_at))
        result = self.pipeline.process(frame)
        self.frames_processed += 1
        b = frame_brightness(frame.image)
        self._brightness = b if self._brightness is None else 0.8 * self._brightness + 0.2 * b

        set_events, events, cues, reps = self._pending_set_events, self._pending_events, [], []
        self._pending_set_events, self._pending_events = [], []
        set_events += self._apply_actions(t, events)
        set_events += self._safety(result, events)
        self._check_setup(result, t)
        set_events += self.sets.tick(t, self.setup.ok)
        if self.sets.phase == SETUP:
            cues += self.cue_engine.on_setup(t, self.setup)
        set_events += self._exercise_events(result, t, cues, reps, events)
        if self.holds is not None:
            cues += self.holds.on_frame(t, result.state, self.sets.counting)
        for event in set_events:
            if event.kind == "set_started":
                self.fatigue.reset()
                self._range = [float("inf"), float("-inf")]
                self._alert = ""
                if self.pacer is not None:
                    self.pacer.start_set(event.time_s)
            elif event.kind == "resumed":
                self._alert = ""
        return self._emit(t, result, set_events, events, cues, reps, captured_at)

    def source_lost(self, t: float | None = None) -> LiveUpdate:
        """The camera stopped delivering: pause, keep every rep so far."""
        t = self._last_t if t is None else t
        events, set_events = [], []
        if not self._source_lost:
            self._source_lost = True
            events.append(self._record("camera_lost", t))
            set_events += self.sets.pause(t, "camera_lost")
        return self._emit(t, None, set_events, events, [], [], None)

    def source_back(self, t: float) -> None:
        """Frames again after a loss: the next push resumes the set."""
        if self._source_lost:
            self._source_lost = False
            self._pending_events.append(self._record("camera_back", t))
            self._pending_set_events += self.sets.resume(t, "camera_lost")

    def finish(self, status: str = "", frames_seen: int | None = None, frames_dropped: int = 0) -> LiveSummary:
        """End of session: close any rep in progress, tell the sinks, return the summary."""
        t = self._last_t
        if not self.finished:
            for event in self.pipeline.finish():
                if event.kind in COUNTED and event.rep is not None and self.sets.counting:
                    self.sets.on_rep(event.time_s)
                    if self.holds is not None:
                        self.holds.on_hold(event.time_s, event.rep)
            self._close_set_extras(t, [])
            self.sets.stop(t)
        # "complete" only when every planned set reached its target: "rest now" on the last set or
        # closing early must not make an unfinished session look done in the record.
        status = status or ("complete" if self.sets.plan_completed and not self.stopped_by_patient else "stopped")
        summary = LiveSummary(
            exercise=self.exercise, status=status, sets=list(self.sets.results),
            frames_seen=self.frames_processed if frames_seen is None else frames_seen,
            frames_processed=self.frames_processed, frames_dropped=frames_dropped,
            latencies_ms=list(self.latencies_ms), events=list(self.events), setup_problems=self.setup_problems,
            speech=self.speech_name, duration_s=t - (t if self._first_t is None else self._first_t))
        for sink in self.sinks:
            sink.close(summary)
        return summary

    # --- steps --------------------------------------------------------------------------------

    def _apply_actions(self, t: float, events: list[SessionEvent]) -> list[SetEvent]:
        out = []
        while self._actions:
            action = self._actions.popleft()
            if action == "go":
                out += self.sets.skip(t)
            elif action == "rest":
                out += self._set_progress(self.sets.end_set(t), events)
            else:
                events.append(self._record("stopped", t, "stopped by the patient"))
                self.stopped_by_patient = True
                self._close_set_extras(t, events)
                self.sets.stop(t)
        return out

    def _safety(self, result: FrameResult, events: list[SessionEvent]) -> list[SetEvent]:
        out = []
        for s in self.safety.update(result.pose):
            if s.kind in RECORDED_SAFETY:
                events.append(self._record(s.kind, s.time_s, s.detail))
            if s.kind == "fall_like" or (s.kind == "out_of_view" and s.detail):
                # Possible fall: stays paused until the patient confirms ("go") or stops.
                out += self.sets.pause(s.time_s, "fall")
            elif s.kind == "out_of_view":
                out += self.sets.pause(s.time_s, "out_of_view")
            elif s.kind == "back_in_view":
                out += self.sets.resume(s.time_s, "out_of_view")
        return out

    def _check_setup(self, result: FrameResult, t: float) -> None:
        self._poses.append((t, frame_problems(result.pose, self.needs, people=result.people)))
        while self._poses and t - self._poses[0][0] > SETUP_WINDOW_S:
            self._poses.popleft()
        if t - self._setup_checked_s < SETUP_EVERY_S:
            return
        self._setup_checked_s = t
        span = t - self._poses[0][0]
        self.setup = summarise_setup([p for _, p in self._poses], span, self._brightness or 0.0, self.needs)
        in_setup = self.sets.phase == SETUP or (self.sets.phase == ACTIVE and t - self.sets.phase_since_s < 2.0)
        if in_setup:
            for code in self.setup.codes:
                if code not in self.setup_problems:
                    self.setup_problems.append(code)

    def _exercise_events(self, result: FrameResult, t: float, cues: list[Cue], reps: list,
                         events: list[SessionEvent]) -> list[SetEvent]:
        state = result.state
        if self.pacer is not None and state.key_angle_deg is not None:
            self._trace.append((t, float(state.key_angle_deg)))
            while self._trace and t - self._trace[0][0] > TRACE_S:
                self._trace.popleft()
        if self.sets.counting and state.key_angle_deg is not None:
            self._range = [min(self._range[0], state.key_angle_deg), max(self._range[1], state.key_angle_deg)]
        out = []
        for event in result.events:
            if event.kind == "balance_loss":
                out += self._balance_loss(event, cues, events)  # whatever the phase: the physio sees it
                continue
            if not self.sets.counting:
                continue  # movement during set-up, rest or a pause is not part of the set
            if event.kind == "hold" and event.rep is not None:
                reps.append(event.rep)
                if self.holds is not None:
                    self.holds.on_hold(t, event.rep)
                out += self._set_progress(self.sets.on_rep(event.time_s), events)
            elif event.kind == "rep" and event.rep is not None:
                rep = event.rep
                pacing_cues = []
                if self.pacer is not None:
                    rep, pacing_cues = self.pacer.on_rep(event.time_s, rep, self._trace)
                reps.append(rep)
                done = self.sets.on_rep(event.time_s)
                cues += self.cue_engine.on_rep(event.time_s, rep, self.sets.set_reps)
                cues += pacing_cues
                out += self._set_progress(done, events)
                out += self._fatigue(rep, cues, events)
            elif event.kind == "attempt" and event.rep is not None:
                reps.append(event.rep)
                cues += self.cue_engine.on_attempt(event.time_s, event.rep)
            elif event.kind == "fault" and event.fault is not None:
                cues += self.cue_engine.on_fault(event.time_s, event.fault.code)
        return out

    def _set_progress(self, set_events: list[SetEvent], events: list[SessionEvent]) -> list[SetEvent]:
        """A set that reached its target closes its hold and pacing summaries."""
        done = next((e for e in set_events if e.kind == "set_done"), None)
        if done is not None:
            self._close_set_extras(done.time_s, events)
        return set_events

    def _close_set_extras(self, t: float, events: list[SessionEvent]) -> None:
        """The current set's hold summary and pacing (timing, amplitude decrement) go with it,
        and the pacing is recorded as events the physio sees."""
        current = self.sets.current
        if current is None or current.holds or current.pacing:
            return
        if self.holds is not None:
            from exercises.holds import hold_summary

            mine = [h for h in self.holds.holds if h.end_s >= current.started_s - 1e-6]
            current.holds = hold_summary(mine) if mine else {}
        if self.pacer is not None:
            result = self.pacer.end_set()
            if result is not None:
                current.pacing = result.to_dict()
                events.append(self._record("pacing", t, result.message))
                if result.decrement:
                    events.append(self._record("amplitude_decrement", t,
                                               f"movements shrank by {result.decrement_share:.0%} over set {current.set_no}"))

    def _balance_loss(self, event, cues: list[Cue], events: list[SessionEvent]) -> list[SetEvent]:
        """A sudden step or a fall-like drop: stop the set, tell the patient to hold on, record it.
        The next set waits for the patient's "go" (a pause), never for a timer alone."""
        t = event.time_s
        losses = self.pipeline.exercise.balance_events
        detail = f"{losses[-1].kind}: {losses[-1].detail}" if losses else event.message
        events.append(self._record("balance_loss", t, detail))
        cues.append(Cue(BALANCE_LOSS_CUE, SAFETY, t))
        if self.holds is not None:
            self.holds.cancel_waiting()
        self._alert = BALANCE_LOSS_CUE
        current, out = self.sets.current, []
        if current is not None and current.ended_s is None and self.sets.phase in (ACTIVE, PAUSED):
            current.ended_by = "balance_loss"
            out = [SetEvent(e.kind, e.time_s, e.set_no, e.value, "balance_loss") for e in self.sets.end_set(t)]
            self._close_set_extras(t, events)
        elif current is not None and current.ended_s is not None and t - current.ended_s <= LOSS_ENDS_SET_S:
            current.ended_by = "balance_loss"  # the hold that ended the set ended in the step
        if self.sets.phase not in (DONE, PAUSED):
            out += self.sets.pause(t, "balance_loss")  # the next set waits for the patient's "go"
        return out

    def _fatigue(self, rep, cues: list[Cue], events: list[SessionEvent]) -> list[SetEvent]:
        """A counted rep to the fatigue judgement (``exercises.fatigue``); not for holds, nor when a
        metronome sets the speed. The event's detail carries the evidence for the physio."""
        from exercises.fatigue import applies

        lo, hi = self._range
        self._range = [float("inf"), float("-inf")]
        if not applies(self.exercise, paced=self.pacer is not None):
            return []
        signal = self.fatigue.add_rep(rep.end_s, rep.end_s - rep.start_s, hi - lo if hi >= lo else None)
        if signal is None:
            return []
        events.append(self._record("fatigue", signal.time_s, signal.detail))
        if self.sets.current is not None:
            self.sets.current.fatigue = signal.text
            if signal.finding is not None:
                self.sets.current.fatigue_evidence = signal.finding.evidence()
        cues += self.cue_engine.on_fatigue(signal.time_s, signal)
        return []

    def _storage(self, t: float, cues: list[Cue], events: list[SessionEvent]) -> None:
        """Tell the patient/physio once when saving falls behind (the loop itself never waits on it),
        and once when it has caught up."""
        warning = ""
        for sink in self.sinks:
            check = getattr(sink, "storage_warning", None)
            if check is not None:
                warning = check() or warning
        if bool(warning) != self._storage_lagging:
            self._storage_lagging = bool(warning)
            if warning:
                events.append(self._record("storage_lag", t, warning))
                cues.append(Cue(STORAGE_LAG_CUE, "safety", t))
            else:
                events.append(self._record("storage_ok", t, "saving caught up"))

    def _emit(self, t: float, result: FrameResult | None, set_events: list[SetEvent], events: list[SessionEvent],
              cues: list[Cue], reps: list, captured_at: float | None) -> LiveUpdate:
        self._storage(t, cues, events)
        for event in set_events:
            cues += self.cue_engine.on_set_event(event)
        if self.dual_task is not None:
            events += [self._record(DUAL_TASK_EVENT, at, said) for at, said in self.dual_task.on_set_events(set_events, cues)]
        if cues:
            self._cue = cues[-1]
        shown = self._cue if self._cue is not None and t - self._cue.time_s <= CUE_HOLD_S else None
        current = self.sets.current
        update = LiveUpdate(
            time_s=t, result=result, phase=self.sets.phase, set_no=self.sets.set_no, sets_total=self.plan.sets,
            set_reps=self.sets.set_reps, target_reps=self.plan.reps,
            set_elapsed_s=(t - current.started_s) if current is not None and current.ended_s is None else 0.0,
            time_left_s=self.sets.time_left_s(t), pause_reason=self.sets.pause_reason if self.sets.phase == PAUSED else "",
            setup=self.setup, cue_text=shown.text if shown else "", cue_kind=shown.kind if shown else "",
            cues=tuple(cues), set_events=tuple(set_events), events=tuple(events), reps=tuple(reps),
            hold=self.holds.status() if self.holds is not None else None,
            beat=self.pacer.status(t) if self.pacer is not None else None, alert=self._alert,
            task_text=self.dual_task.shown if self.dual_task is not None else "")
        if self.renderer is not None:
            image = self.renderer.render(result.frame.image if result else None, result.pose if result else None, update)
            latency = None if captured_at is None else (self.clock() - captured_at) * 1000.0
            if latency is not None:
                self.latencies_ms.append(latency)
            update = _with_image(update, image, latency)
        elif captured_at is not None:
            self.latencies_ms.append((self.clock() - captured_at) * 1000.0)
        for sink in self.sinks:
            sink.on_update(update)
        return update

    def _record(self, kind: str, t: float, detail: str = "") -> SessionEvent:
        event = SessionEvent(kind, t, detail)
        self.events.append(event)
        return event


def _with_image(update: LiveUpdate, image, latency_ms: float | None) -> LiveUpdate:
    from dataclasses import replace

    return replace(update, image=image, latency_ms=latency_ms)
