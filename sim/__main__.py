"""``python -m sim`` is the ``centaure`` command."""

import sys

from sim.cli import main

sys.exit(main())
