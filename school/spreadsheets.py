"""Text written into CSV files that people open in a spreadsheet."""

# A cell starting with one of these is run as a formula by Excel and its kin.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value):
    """``value`` as a spreadsheet shows it, never as a formula: text that would start one
    is prefixed with an apostrophe. Numbers and dates pass through."""
    if isinstance(value, str) and value.lstrip(" \t\r\n").startswith(_FORMULA_START):
        return "'" + value
    return value
