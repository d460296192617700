"""`python -m generator` is the same as the `board` command."""

import sys

from generator.cli import main

sys.exit(main())
