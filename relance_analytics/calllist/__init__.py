"""The call list: collection rules R1–R12 as explainable reasons, per-collector ranking and
capacity cut, the workbook the collectors fill, the way back into the action journal, and the
written follow-up (e-mail drafts, formal-notice letters).

::

    from relance_analytics.calllist import CallListParams, call_list, write_call_list
    params = CallListParams.from_settings(settings)
    cl = call_list(items, customers, journal.actions(until=as_of), disputes, as_of,
                   params=params, contacts=contacts, promises=evaluated_promises)
    write_call_list("reports/2026-11-20/call_list.xlsx", cl)
    # … the collectors fill the workbook …
    import_outcomes("call_list.xlsx", workspace)          # or: relance import-outcomes FILE
"""

from ..text.calllist import RULE_LABELS
from .build import CallList, assemble, call_list
from .drafts import write_drafts
from .outcomes import import_outcomes, read_outcomes
from .params import CallListParams
from .rules import RULES
from .workbook import write_call_list

__all__ = ["CallList", "CallListParams", "RULES", "RULE_LABELS", "assemble", "call_list", "import_outcomes",
           "read_outcomes", "write_call_list", "write_drafts"]
