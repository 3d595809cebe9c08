"""``python -m benchmarks`` (``make bench``): see :mod:`benchmarks.runner`."""

from .runner import main

raise SystemExit(main())
