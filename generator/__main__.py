"""`python -m generator` is the same as the `board` command."""

import sys

from generator.cli import main

if __name__ == "__main__":  # not when a worker process (posters) imports this module
    sys.exit(main())
