"""``python -m search.worker``: a worker process, started by the supervisor."""

from search.worker.process import main

raise SystemExit(main())
