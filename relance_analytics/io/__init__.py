"""Readers of the inputs (ERP exports and reference files) and writers of the Excel outputs."""

from ..errors import ExportError, InputError, Problem, ReconciliationError
from .mapping import ColumnMapping, load_preset, preset_names
from .open_items import read_open_items
from .tables import read_actions, read_contacts, read_customers, read_disputes, read_sales

__all__ = [
    "ColumnMapping", "ExportError", "InputError", "Problem", "ReconciliationError",
    "load_preset", "preset_names", "read_actions", "read_contacts", "read_customers",
    "read_disputes", "read_open_items", "read_sales",
]
