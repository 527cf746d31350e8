"""Run the trainer command line as ``python -m game.trainer`` (the same as ``srl-trainer``)."""
import sys

from trainer.cli import main

sys.exit(main())
