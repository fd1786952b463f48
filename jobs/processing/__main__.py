import sys

from jobs.processing.job import main

sys.exit(main())
