"""`python -m veil.cli`: the same entry point as the `veil` command."""

import sys

from veil.cli import main

sys.exit(main())
