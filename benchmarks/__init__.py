"""Scale benchmarks of relance_analytics (``make bench``): 1M open items, 100 weekly snapshots
of 100k items, the weekly run on the sample. Not part of the test suite's timing."""
