"""Pose data types (pure numpy) and the one MediaPipe adapter (``coach.pose.estimator``)."""
from coach.pose.frame import PoseFrame, PoseSeries
from coach.pose.landmarks import ANGLES, SKELETON, JointAngle, Landmark

__all__ = ["ANGLES", "SKELETON", "JointAngle", "Landmark", "PoseFrame", "PoseSeries"]
