"""`make run`: the three services in the foreground (see stack/services.py)."""

import sys

from stack.services import main

sys.exit(main())
