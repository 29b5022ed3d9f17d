"""What a picture holds besides the person: where the figure and camera are, the chair, and the
look of the clip (clothes, room, image noise). Plain data; ``coach.synth.render`` draws it."""
from __future__ import annotations

from dataclasses import dataclass

from coach.synth.body import BodyDims
from coach.synth.camera import Camera, Placement


@dataclass(frozen=True)
class Chair:
    """A chair in the figure frame: seat top height and the seat's front and back edges (FWD)."""

    seat_height_m: float
    front_m: float
    back_m: float
    width_m: float = 0.46
    back_height_m: float = 0.45  # backrest above the seat
    solid: bool = False  # a box from the floor to the seat height, no legs or back (a step)


@dataclass(frozen=True)
class Scene:
    """Where everything is: the figure's placement, the camera, and which side is far."""

    dims: BodyDims
    placement: Placement
    camera: Camera
    far_side: str | None  # side view: the person's side away from the camera


@dataclass(frozen=True)
class Look:
    """How a clip looks: the seed picks skin, hair and (unless given) clothes colours."""

    seed: int = 0
    height_m: float = 1.70
    background: str = "plain"  # "plain" or "cluttered"
    shirt_bgr: tuple[int, int, int] | None = None
    trousers_bgr: tuple[int, int, int] | None = None
    noise_sigma: float = 2.0
    brightness: float = 1.0
    camouflage: float = 0.0  # 0: the clothes' own colours .. 1: clothes the colour of the wall behind

    @classmethod
    def of(cls, spec) -> "Look":
        """The look a ``ClipSpec`` asks for."""
        return cls(spec.seed, spec.height_m, spec.background, spec.shirt_bgr, spec.trousers_bgr, spec.noise_sigma,
                   spec.brightness, spec.camouflage)
