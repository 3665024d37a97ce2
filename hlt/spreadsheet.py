"""Text for CSV and spreadsheet cells that no spreadsheet runs as a formula.

Names and comments are typed by people and could begin like a formula ("=HYPERLINK(...)"); every
text cell that could be read as one gets a leading apostrophe, which spreadsheets show as plain
text (OWASP "CSV injection").
"""

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def neutralise(text: str) -> str:
    return f"'{text}" if text.startswith(FORMULA_START) else text
