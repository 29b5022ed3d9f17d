"""What the patient is told about their own progress, in plain words."""
