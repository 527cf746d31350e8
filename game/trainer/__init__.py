"""``python -m game.trainer`` still runs the trainer's command line, which now lives in :mod:`trainer`."""
