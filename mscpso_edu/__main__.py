"""Allow ``python -m mscpso_edu``."""

import sys

from .cli import main

sys.exit(main())
