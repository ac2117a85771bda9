"""Run the catalog command line: ``python -m catalog --help``."""

import sys

from catalog.cli import main

sys.exit(main())
