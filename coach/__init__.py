"""Rehab coach engine: sources, pose, pipeline, overlay, outputs. Exercise logic lives in ``exercises``."""
__version__ = "0.1.0"
