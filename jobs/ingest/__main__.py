import sys

from jobs.ingest.job import main

sys.exit(main())
