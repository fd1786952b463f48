import sys

from jobs.training.cli import main

sys.exit(main())
