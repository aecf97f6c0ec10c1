"""The settings of a space: what a run searches on and how, as opposed to the fields that may
vary, in one table (``search.settings.table``)."""

from search.settings.table import (
    DATA_SETTINGS,
    LATER_DEFAULTS,
    OPTIONS,
    RESULT_KEYS,
    RESULT_SETTINGS,
    SETTINGS,
    Setting,
    check_settings,
    parse_option,
)

__all__ = [
    "DATA_SETTINGS",
    "LATER_DEFAULTS",
    "OPTIONS",
    "RESULT_KEYS",
    "RESULT_SETTINGS",
    "SETTINGS",
    "Setting",
    "check_settings",
    "parse_option",
]
