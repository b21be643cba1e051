"""CSV cells that a spreadsheet will not run (OWASP, CSV injection).

A cell beginning with =, +, -, @, a tab or a carriage return is a formula to Excel and
LibreOffice; text that citizens typed can end up in an export (an unanswered question
added as a phrasing), so every exported cell is neutralised with a leading apostrophe,
and the import takes it off again so that export → import round-trips.
"""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralised(cell: str) -> str:
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def restored(cell: str) -> str:
    return cell[1:] if cell.startswith("'") and cell[1:].startswith(FORMULA_STARTS) else cell
