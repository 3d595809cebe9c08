"""Rate tables shipped with the package, as data (CSV, ``start`` = YYYY-01-01 or YYYY-07-01,
the rate in percent in force on that day for the half-year it opens):

* ``ecb_main_refinancing.csv``: the ECB main refinancing operations rate (``ecb_rate``), the
  basis of the French late-payment penalty (Code de commerce L441-10: that rate + 10 points);
* ``legal_interest_professionals.csv``: the French legal interest rate for creditors acting
  for professional purposes (``legal_rate``); three times it is the floor of a contractual
  penalty rate.

A user replaces or extends either from ``relance.toml`` (``[legal] ecb_rates = "…csv"``).
"""
