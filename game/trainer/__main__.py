"""Run the trainer command line: ``python -m game.trainer``."""

import sys

from .cli import main

sys.exit(main())
