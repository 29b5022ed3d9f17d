"""The machinery every rep exercise shares: gating, gaps, view, calibration, reps and events.

A concrete exercise says only what is specific to it (see ``RepExercise``'s hooks):
which landmarks it needs, how a pose becomes ``progress`` (0 rest .. 1 goal) plus per-frame
measurements, the rep metrics, and its fault checks (each declaring the view it needs).
"""
from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from coach.geometry import in_frame, visibility_of
from coach.pose.frame import PoseFrame
from coach.pose.landmarks import Landmark
from coach.views import UNKNOWN, ViewTracker, check_applies
from exercises.base import Event, ExerciseState, Fault, Rep
from exercises.calibration import BodyCalibration
from exercises.counting import MAX_HOLE_S, FixedLevels, RunningLevels, SignalTrace, combine, fixed_levels
from exercises.measures import Measures, per_side
from exercises.notices import ProblemNotices, replay
from exercises.phases import ACTIVE, BACK, OUT, REST, SETTLE, TARGET, WAITING, PhaseConfig, PhaseMachine, Transition
from exercises.rep_context import Check, RepContext, Sample  # noqa: F401 (exercises import them from here)
from exercises.rep_sides import rep_confidence, side_label, sides_reaching, sides_still

if TYPE_CHECKING:
    from exercises.spec import ExerciseSpec, Params

SIDES = ("auto", "left", "right", "both")
LIVE_RELEARN_VIEWS = ("front", "side")
# Rep boundaries in fractions of the person's own range (exercises.counting): out of rest past
# 0.35, the top at 0.7, back at rest under 0.3 (a wide band: small, noisy signals like a heel
# raise seen from the front jitter by a fifth of their range). A first sight part-way out opens a rep (clips
# that start mid-rep); holes up to 1.5 s are bridged (a side view where the model loses the
# figure now and then).
RELATIVE_PHASES = PhaseConfig(start=0.35, rest=0.3, target=0.7, target_exit=0.55, attempt_min=0.35,
                              min_rest_s=0.0, min_rep_s=0.4, max_gap_s=MAX_HOLE_S, onset_level=0.05,
                              mid_rep_start=True)
MIN_VISIBILITY = 0.5  # MediaPipe's own presence cut-off; below it positions are guesses
REASON_SHOWN_S = 4.0  # the live screen says why a movement did not count for this long
# What the engine itself adds to every frame's measurements: progress along the person's own
# range per counting signal ("left"/"right", "body", a head turn's "up"/"down").
ENGINE_MEASURES = per_side("rel", sides=("left", "right", "body", "up", "down"))


class RepExercise:
    """Base class: the spec (``exercises.spec.ExerciseSpec``) says what is counted and with which
    thresholds; subclasses set ``phase_names`` and the hooks below."""

    phase_names = {WAITING: "waiting", REST: "rest", OUT: "moving", TARGET: "top", BACK: "returning", SETTLE: "returning"}
    clinical_target = 1.0  # clinical progress that meets the target (short_range below it)
    side_names = ("left", "right")  # the counting signals' sides (head turns add "up" and "down")
    # Every per-frame measurement ``measure`` may write and the checks may read, by name: frames
    # carry them as ``exercises.measures.Measures``, where an undeclared name raises at once
    # (a typo is never a silent NaN). Each exercise declares its own (a test walks the registry).
    measure_names: tuple[str, ...] | None = None
    balance_events: tuple = ()  # losses of balance are watched in the timed holds (exercises.holds), not here

    def __init__(self, spec: "ExerciseSpec", side: str = "auto", params: "Params | None" = None,
                 levels: FixedLevels | None = None) -> None:
        if side not in SIDES:
            raise ValueError(f"side must be one of {SIDES}, got {side!r}")
        self.spec = spec
        self.name = spec.name
        self.params = params if params is not None else spec.params()
        self.config = spec.phases  # counting bands, relative to the person's own range
        self.scale = spec.scale
        self.sided = spec.sided  # signals per side (arms, one leg); ``side`` picks or finds the side
        self.limb = spec.limb
        self.count_on = spec.count_on  # "target": counted on reaching the top; "end": when back at rest
        self.incomplete_fault = spec.incomplete_fault
        self.key_angle_name = spec.key_measure
        self.side = side
        self.calibration = BodyCalibration()
        self.levels = levels if levels is not None else RunningLevels(self.scale)
        self.trace = SignalTrace()  # what this pass saw: the second pass learns the levels from it
        self.warnings: list[str] = []
        self._attempt_reasons: list[str] = []
        self._moving_seen: set[str] = set()
        self._level_view: str | None = None
        self._last_seen_t: float | None = None
        self._rep_counted = self._count_pending = False  # count-at-top: counted / waiting for the standard
        self._last_reason: tuple[float, str] | None = None
        self.machine = PhaseMachine(self.config)
        self.views = ViewTracker()
        self._reps: list[Rep] = []
        self._count = 0
        self._samples: list[Sample] = []
        self._recent: list[Sample] = []  # the last second before a rep starts (backdated onset)
        self._seen = 0
        self._unseen = 0
        self._gap_in_rep = False
        self._progress = 0.0
        self._key_angle: float | None = None
        self._notices = ProblemNotices()
        self._active_faults: tuple[str, ...] = ()
        self._last_t = 0.0
        self._measure_names = frozenset((*self.measure_names, *ENGINE_MEASURES)) if self.measure_names else None

    def new_measures(self, values: dict[str, float] | None = None) -> Measures:
        """An empty (or filled) frame of this exercise's declared measurements."""
        if self._measure_names is None:
            raise TypeError(f"{type(self).__name__} declares no measure_names")
        return Measures(self._measure_names, values, self.name)

    # ---- hooks ---------------------------------------------------------------------------
    def landmark_sets(self) -> list[tuple[Landmark, ...]]:
        """Alternative sets of landmarks; the pose is usable when any one set is seen and in frame."""
        raise NotImplementedError

    def measure(self, pose: PoseFrame, view: str) -> tuple[float, dict[str, float]]:
        """(clinical progress, per-frame measurements); progress NaN when it cannot be read."""
        raise NotImplementedError

    def signals(self, values: dict[str, float]) -> dict[str, float]:
        """The counting signal, per side ("left"/"right") or for the body ("body"), in
        ``scale.unit``; larger = further out of the rest position."""
        raise NotImplementedError

    def posture_problem(self, pose: PoseFrame) -> str | None:
        """A message when the pose is visible but not in a position the exercise can read."""
        return None

    def rep_metrics(self, ctx: RepContext) -> dict[str, float]:
        return {}

    def rep_sides(self, ctx: RepContext) -> tuple[str, ...]:
        """The sides a finished rep is credited to (``Rep.side``): by default those whose own
        counting signal reached the top of its range; an exercise counted on one signal for the
        body names them from its own measurements (a step-up: its lead leg)."""
        return ctx.sides

    def refine_start(self, ctx: RepContext) -> float:
        """The movement's true onset, when a preparatory move precedes the progress signal."""
        return ctx.start_s

    def may_count(self, sample: Sample) -> bool:
        """For exercises counted at the top (``count_on == "target"``): whether this sample meets
        the exercise's own definition of the top (sit-to-stand: standing). Default: always."""
        return True

    not_counted_reason = "did not meet this exercise's rules"

    def rep_counts(self, ctx: RepContext) -> bool:
        """Whether a finished rep counts; by default when it reached the goal."""
        return ctx.reached

    def rep_invalid(self, ctx: RepContext) -> str | None:
        """A message when a finished excursion was not the exercise at all (e.g. walking).
        Only consulted for exercises that count on return (``count_on == "end"``)."""
        return None

    def checks(self) -> list[Check]:
        return []

    def settled(self, sample: Sample) -> bool:
        """Whether the person has been still long enough to count as in position."""
        return False

    def after_sample(self, sample: Sample, phase: str) -> None:
        """Called with each confident sample after the phase machine ran (update baselines here)."""

    def min_visibility(self, pose: PoseFrame) -> float:
        """The visibility a landmark set needs for a frame to be used (best set counts)."""
        return MIN_VISIBILITY

    # ---- driving -------------------------------------------------------------------------
    def update(self, pose: PoseFrame) -> list[Event]:
        t = pose.timestamp_s
        self._last_t = t
        events: list[Event] = []
        relative = float("nan")
        problem = self._usable(pose)
        if problem is None:
            self.calibration.observe(pose)
            view = self.views.update(pose)
            progress, values = self.measure(pose, view)
            if self._measure_names is not None and not isinstance(values, Measures):
                values = self.new_measures(values)
            if math.isfinite(progress):
                relative = self._relative(t, view, values)
            else:
                problem = "Hold still where the camera can see you"
        if problem is not None or not math.isfinite(relative):
            if problem is not None:
                events += self._note_problem(t, problem)
            if self.machine.phase in ACTIVE:
                self._unseen += 1
            events += self._handle(self.machine.gap(t))
            return events
        self._note_problem(t, None)
        vis = self._visibility(pose)
        sample = Sample(t, float(progress), vis, values, float(relative))
        p = float(progress)  # np.clip(progress, 0, 1) on a float
        self._progress = 0.0 if p < 0.0 else 1.0 if p > 1.0 else p
        key = values.get(self.key_angle_name) if self.key_angle_name else None
        self._key_angle = float(key) if key is not None and math.isfinite(key) else None
        before = self.machine.phase
        if self.machine._last_t is not None and t - self.machine._last_t > self.config.max_gap_s and before in ACTIVE:
            self._gap_in_rep = True
        transitions = self.machine.update(t, sample.relative, self.settled(sample))
        for tr in transitions:
            if tr.kind == "start":
                self._begin_rep(tr.time_s)
        if self.machine.phase in ACTIVE or any(tr.kind in ("end", "abort") for tr in transitions):
            self._samples.append(sample)
            self._seen += 1
        else:
            self._recent = [s for s in self._recent if s.t >= t - 1.0] + [sample]
        events += self._handle(transitions, sample=sample)
        if self._count_pending and self.machine.phase in (TARGET, BACK) and self.may_count(sample):
            events += self._count_now(t)  # the top of the own range came first, the standard later
        self.after_sample(sample, self.machine.phase)
        return events

    def _relative(self, t: float, view: str, values: dict[str, float]) -> float:
        """Progress along the person's own range; stores per-side values in ``values``."""
        signals = {k: v for k, v in self.signals(values).items() if math.isfinite(v)}
        if not signals:
            return float("nan")
        # A new camera set-up (view change, long hole) is relearned, never judged by the old one.
        gap = self._last_seen_t is not None and t - self._last_seen_t > MAX_HOLE_S
        if gap or (view in LIVE_RELEARN_VIEWS and self._level_view not in (None, view)):
            self.levels.reset()
        if view in LIVE_RELEARN_VIEWS:
            self._level_view = view
        self._last_seen_t = t
        self.trace.add(t, view, signals)
        normalised = {}
        for side, value in signals.items():
            self.levels.observe(t, side, value)
            if not self.levels.moving(t, side):
                continue
            self._moving_seen.add(side)
            lv = self.levels.levels(t, side)
            if lv is not None:
                normalised[side] = lv.normalise(value)
                values[f"rel_{side}"] = normalised[side]
        if not normalised:
            return 0.0 if signals else float("nan")  # seen, but nothing moves yet: at rest
        if self.sided and self.side == "both" and len(normalised) < len(signals):
            return 0.0  # both must move: one side seen still (the summary says which moved)
        mode = self.side if self.sided else "auto"
        relative = combine(normalised, mode)
        return relative if math.isfinite(relative) else 0.0

    def second_pass(self, poses) -> "RepExercise":
        """File mode: the same exercise re-run over the same (smoothed) poses with the person's
        own levels learned from the whole recording (this pass's trace)."""
        again = type(self)(self.spec, side=self.side, params=self.params, levels=fixed_levels(self.trace, self.scale))
        return replay(again, poses, self._last_t)

    def finish(self, time_s: float) -> list[Event]:
        events = []
        m = self.machine
        if self.count_on == "end" and m.phase in (OUT, TARGET, BACK):
            # A rep counts when it is back at rest; the recording stopped before it came back.
            m.reset()
            self._samples = []
            reason = "the recording ended before the movement came back"
            self._attempt_reasons.append(reason)
            events.append(Event("warning", time_s, message=f"Last movement not counted: {reason}"))
        events += self._handle(m.finish(time_s), at_finish=True)
        self.warnings = self.diagnosis()
        return events + [Event("warning", time_s, message=w) for w in self.warnings]

    def diagnosis(self) -> list[str]:
        """Plain words for a physio or patient when movement was seen but reps were not counted."""
        from exercises.diagnosis import explain

        return explain(self)

    # ---- internals -----------------------------------------------------------------------
    def _usable(self, pose: PoseFrame) -> str | None:
        if not pose.has_person:
            return "No one in view"
        sets = self.landmark_sets()
        gate = self.min_visibility(pose)
        if not any(visibility_of(pose, s) >= gate for s in sets):
            return "Step back so the camera can see the moving joints"
        if not any(in_frame(pose, s, margin=0.0) and visibility_of(pose, s) >= gate for s in sets):
            return "Move so your whole body is inside the picture"
        return self.posture_problem(pose)

    def _visibility(self, pose: PoseFrame) -> float:
        return max(visibility_of(pose, s) for s in self.landmark_sets())

    def _note_problem(self, t: float, problem: str | None) -> list[Event]:
        warning = self._notices.note(t, problem)
        return [Event("warning", t, message=warning)] if warning else []

    def _begin_rep(self, start_s: float) -> None:
        # Keep the second before the onset too: preparatory moves (the forward lean before
        # seat-off) and the rest values that metrics compare against live there.
        self._samples = list(self._recent)
        self._recent = []
        self._seen = len(self._samples)
        self._unseen = 0
        self._gap_in_rep = False
        self._rep_counted = self._count_pending = False

    def _count_now(self, t: float) -> list[Event]:
        self._count += 1
        self._rep_counted, self._count_pending = True, False
        return []

    def _handle(self, transitions: list[Transition], at_finish: bool = False, sample: Sample | None = None) -> list[Event]:
        events: list[Event] = []
        for tr in transitions:
            if tr.kind == "target" and self.count_on == "target":
                if sample is None or self.may_count(sample):
                    events += self._count_now(tr.time_s)
                else:
                    self._count_pending = True
            elif tr.kind in ("end", "abort"):
                events += self._close_rep(tr, aborted=tr.kind == "abort" or at_finish)
        return events

    def _close_rep(self, tr: Transition, aborted: bool) -> list[Event]:
        samples = self._samples
        self._samples = []
        if tr.kind == "end" and not tr.reached and tr.peak <= 0.0:
            return []  # fidget below the attempt threshold
        if tr.kind == "abort" and not tr.reached:
            reason = "lost sight of you mid-movement"
            self._attempt_reasons.append(reason)
            return [Event("warning", tr.time_s, message=f"Rep not counted: {reason}")]
        start = tr.start_s if tr.start_s is not None else (samples[0].t if samples else tr.time_s)
        in_rep = [s for s in samples if start - 1e-6 <= s.t <= tr.time_s + 1e-6] or samples
        clinical_peak = max((s.progress for s in in_rep), default=0.0)
        # Metrics time the rep from where it met the clinical target (e.g. full standing), when
        # it did; the count itself fired at the top of the person's own range.
        target_s = next((s.t for s in in_rep if s.progress >= self.clinical_target), tr.target_s) if tr.reached else None
        ctx = RepContext(samples, start, target_s, tr.time_s, tr.reached, clinical_peak, self.views.view,
                         sides=self._moved_sides(in_rep))
        ctx.sides = self.rep_sides(ctx)
        ctx.start_s = self.refine_start(ctx)
        counted = tr.reached and (self.count_on != "target" or self._rep_counted)
        self._rep_counted = self._count_pending = False
        still = self._still_sides(in_rep) if counted and self.sided and self.side == "both" else ()
        if still:  # both must move: a rep of one side only is an attempt
            if self.count_on == "target":
                self._count -= 1
            counted = False
        ctx.metrics = self.rep_metrics(ctx)
        reason = ""
        if self.count_on == "end":
            problem = self.rep_invalid(ctx)
            if problem:
                self._attempt_reasons.append(problem)
                return [Event("warning", tr.time_s, message=problem)]
            counted = self.rep_counts(ctx)
            if counted:
                self._count += 1
        if not counted:
            reason = (f"a smaller movement than your usual ({min(tr.peak, 1.0):.0%} of it)" if not tr.reached
                      else f"only your {'/'.join(sorted({'left', 'right'} - set(still)))} {self.limb} moved"
                      if still else self.not_counted_reason)
            self._attempt_reasons.append(reason)
            self._last_reason = (tr.time_s, f"Not counted: {reason}")
        faults, skipped = self._run_checks(ctx, counted, tr.peak)
        confidence = self._confidence(samples, aborted and tr.kind == "abort")
        rep = Rep(index=self._count if counted else 0, start_s=round(ctx.start_s, 3), end_s=round(ctx.end_s, 3),
                  counted=counted, metrics={k: round(float(v), 3) for k, v in ctx.metrics.items() if np.isfinite(v)},
                  faults=tuple(faults), confidence=confidence, side=self._side_label(ctx.sides), view=ctx.view,
                  skipped_checks=tuple(skipped), reason=reason)
        self._reps.append(rep)
        self._active_faults = tuple(rep.fault_codes)
        events = [Event("fault", f.time_s, fault=f) for f in faults]
        events.append(Event("rep" if counted else "attempt", tr.time_s, rep=rep,
                            message="" if counted else f"Not counted: {reason}"))
        return events

    def _moved_sides(self, samples: list[Sample]) -> tuple[str, ...]:
        """Sides whose own signal reached the top of their range during the rep (a hook)."""
        return sides_reaching(samples, self.side_names, self.config.target)

    def _still_sides(self, samples: list[Sample]) -> tuple[str, ...]:
        return sides_still(samples, self.side_names)

    def _side_label(self, moved: tuple[str, ...]) -> str:
        return side_label(moved, self.sided, self.side)

    def _run_checks(self, ctx: RepContext, counted: bool, relative_peak: float = 1.0) -> tuple[list[Fault], list[str]]:
        faults, skipped = [], []
        # Clinical limits label the rep; they never decide whether it was seen.
        if not counted:
            faults.append(Fault(self.incomplete_fault, ctx.end_s,
                                f"{min(relative_peak, 1.0):.0%} of your usual movement"))
        elif self.clinical_target > 0 and ctx.peak < self.clinical_target:  # 0: no target on this signal (reach)
            at = ctx.target_s if ctx.target_s is not None else ctx.end_s
            faults.append(Fault(self.incomplete_fault, at, f"reached {ctx.peak / self.clinical_target:.0%} of the target"))
        view = ctx.view if ctx.view != UNKNOWN else "any"
        for check in self.checks():
            if not check_applies(check.needs, view):
                skipped.append(check.code)
                continue
            found = check.test(ctx)
            if found is not None and check.code not in {f.code for f in faults}:
                faults.append(Fault(check.code, round(found[0], 3), found[1]))
        return faults, skipped

    def _confidence(self, samples: list[Sample], aborted: bool) -> str:
        return rep_confidence(samples, aborted, self._gap_in_rep, self._seen, self._unseen)

    # ---- read-only views -----------------------------------------------------------------
    @property
    def reps(self) -> list[Rep]:
        return list(self._reps)

    @property
    def state(self) -> ExerciseState:
        return ExerciseState(
            reps=self._count,
            phase=self.phase_names.get(self.machine.phase, self.phase_names.get(BACK, self.machine.phase)),
            progress=self._progress,
            key_angle_name=self.key_angle_name,
            key_angle_deg=self._key_angle,
            key_unit=self.spec.key_unit,
            active_faults=self._active_faults,
            view=self.views.view,
            message=self._notices.problem or self._recent_reason(),
        )

    def _recent_reason(self) -> str:
        """Why the last movement did not count, for a few seconds after it (the live screen)."""
        if self._last_reason and self._last_t - self._last_reason[0] <= REASON_SHOWN_S:
            return self._last_reason[1]
        return ""
