"""The exercise runtime: cast, injects and decision points played on top of a running model.

It drives the model through ``Model.apply`` (the one entry point for outside actions); the model
never calls back into it. ``run_once`` is one replication with the exercise answered by a policy.
"""
from .runtime import ChoiceRecord, ExerciseRun, Happening, Playbook, Step, replay, run_once

__all__ = ["ChoiceRecord", "ExerciseRun", "Happening", "Playbook", "Step", "replay", "run_once"]
