"""Programmes prescribed by the physio: the model, programme files, what is due, progression."""
from coach.programme.model import EXERCISES, Programme, ProgrammeError, ProgrammeExercise, ProgressionRules

__all__ = ["EXERCISES", "Programme", "ProgrammeError", "ProgrammeExercise", "ProgressionRules"]
