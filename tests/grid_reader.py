"""Reading the schedule grid back from its HTML, as a table reader would: rowspans included."""

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Cell:
    """One cell as drawn: its classes, text, links, title and the rows it spans."""

    classes: set
    text: str = ""
    links: list = field(default_factory=list)
    title: str | None = None
    rowspan: int = 1
    top: str = ""  # the time of the row it starts in


class _GridParser(HTMLParser):
    """Collects the #schedule table's header and rows of cells."""

    def __init__(self):
        super().__init__()
        self.in_table = False
        self.section = None
        self.headers, self.rows = [], []
        self.cell = None
        self.row = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and attrs.get("id") == "schedule":
            self.in_table = True
        if not self.in_table:
            return
        if tag in ("thead", "tbody"):
            self.section = tag
        elif tag == "tr":
            self.row = []
        elif tag in ("td", "th"):
            self.cell = Cell(set((attrs.get("class") or "").split()), title=attrs.get("title"),
                             rowspan=int(attrs.get("rowspan", 1)))
            self.cell.tag = tag
        elif tag == "a" and self.cell is not None:
            self.cell.links.append(attrs.get("href"))

    def handle_endtag(self, tag):
        if not self.in_table:
            return
        if tag in ("td", "th") and self.cell is not None:
            self.cell.text = " ".join(self.cell.text.split())
            self.row.append(self.cell)
            self.cell = None
        elif tag == "tr":
            (self.headers if self.section == "thead" else self.rows).append(self.row)
        elif tag == "table":
            self.in_table = False

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.text += data


@dataclass
class Grid:
    """The grid: column headers, row times, and the cell at (time, column) for every slot."""

    columns: list
    times: list
    header_cells: list
    at: dict

    def cell(self, clock, column):
        """The cell covering the slot at ``clock`` ("HH:MM") of the column whose header has
        ``column`` in it."""
        (index,) = [n for n, name in enumerate(self.columns) if column in name]
        return self.at[clock, index]


def read_grid(html):
    """The #schedule grid of a page."""
    parser = _GridParser()
    parser.feed(html)
    (header,) = parser.headers
    header_cells = header[1:]
    columns = [cell.text for cell in header_cells]
    times, at, pending = [], {}, {}  # pending: column -> (cell, rows left)
    for row in parser.rows:
        clock = row[0].text
        times.append(clock)
        cells = iter(row[1:])
        for index in range(len(columns)):
            if index in pending:
                cell, left = pending[index]
                at[clock, index] = cell
                pending[index] = (cell, left - 1)
                if left - 1 == 0:
                    del pending[index]
                continue
            cell = next(cells)
            cell.top = clock
            at[clock, index] = cell
            if cell.rowspan > 1:
                pending[index] = (cell, cell.rowspan - 1)
        assert next(cells, None) is None, f"row {clock} has more cells than columns"
    assert not pending, "a rowspan runs past the last row"
    return Grid(columns, times, header_cells, at)
