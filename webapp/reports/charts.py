"""Bar charts drawn on the server as SVG (no JavaScript): the geometry of one table's first
figure column, which ``templates/reports/_chart.html`` writes out with a title and a
description (its text alternative), next to the same figures as a table."""

from dataclasses import dataclass

WIDTH = 640
LABEL_WIDTH = 220  # the row's label, left of its bar
BAR_HEIGHT = 22
ROW_HEIGHT = 34
TOP = 8
VALUE_ROOM = 60  # the figure after the bar


@dataclass
class Bar:
    label: str
    text: str
    y: int
    width: float
    hidden: bool


@dataclass
class Chart:
    width: int
    height: int
    label_width: int
    bar_height: int
    bars: list


def bar_chart(table):
    """The bars of ``table``'s first column. A hidden small count ("< 5") is drawn as an outline
    as long as 5 would be (so no bar tells more than its "< 5"); a withheld or missing figure
    gets no bar."""
    values = [cells[0].value for _label, cells in table.rows if cells[0].value is not None]
    hidden = any(cells[0].hidden and not cells[0].withheld for _label, cells in table.rows)
    top = max([*values, 5 if hidden else 0, 1])
    room = WIDTH - LABEL_WIDTH - VALUE_ROOM
    bars = []
    for index, (label, cells) in enumerate(table.rows):
        cell = cells[0]
        small = cell.hidden and not cell.withheld
        amount = 5 if small else (cell.value or 0)
        bars.append(Bar(label=_short(str(label)), text=cell.text, y=TOP + index * ROW_HEIGHT,
                        width=round(room * amount / top, 1), hidden=small))
    return Chart(width=WIDTH, height=TOP * 2 + ROW_HEIGHT * len(bars), label_width=LABEL_WIDTH,
                 bar_height=BAR_HEIGHT, bars=bars)


def _short(label, limit=30):
    """A long unit name is cut in the chart (the table next to it has it whole)."""
    return label if len(label) <= limit else label[: limit - 1] + "…"
