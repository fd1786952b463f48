import sys

from local_stack.featurestore_runtime.main import main

sys.exit(main())
