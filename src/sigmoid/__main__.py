"""``python -m sigmoid`` is the ``sigmoid`` command."""

import sys

from sigmoid.cli import main

sys.exit(main())
