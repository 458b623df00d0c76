"""Entry point of the frozen build: the same `desk` command, GUI by default."""

import sys

from desk.cli import main

if __name__ == "__main__":
    sys.exit(main())
