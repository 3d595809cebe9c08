from .build import CallList, assemble, call_list
from .params import CallListParams
