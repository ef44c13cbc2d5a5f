"""``python -m sitrep.cli``: the command line."""

import sys

from sitrep.cli import main

if __name__ == "__main__":
    sys.exit(main())
