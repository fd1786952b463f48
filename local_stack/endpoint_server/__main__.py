import sys

from local_stack.endpoint_server.cli import main

sys.exit(main())
