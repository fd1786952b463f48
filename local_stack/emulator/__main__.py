import sys

from local_stack.emulator.server import main

sys.exit(main())
