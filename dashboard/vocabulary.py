"""Names and small helpers used on every side, defined once (pure: no web, no database).

The municipality the dashboard is about, as ASK spells it in the data (the home of the
demonstration data, the QPS's default and every page's selection), and what counts as
an empty cell.
"""

from __future__ import annotations

import math

import pandas as pd

# The municipality of the dashboard, as its rows name it (ASK's Albanian spelling).
MUNICIPALITY = "Mitrovicë"


def is_missing(value: object) -> bool:
    """Whether a cell is empty (None, NaN or NA): missing is never zero."""
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))
