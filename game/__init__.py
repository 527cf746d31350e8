"""Service Recovery Lab's training game (pygame-ce): play a scenario live against the model, then a debrief."""
import os

os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
