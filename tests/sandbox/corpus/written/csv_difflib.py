import csv
import difflib
import io


def transform(grid):
    buffer = io.StringIO()
    csv.writer(buffer).writerows(grid.tolist())
    rows = [[int(v) for v in row] for row in csv.reader(io.StringIO(buffer.getvalue()))]
    ratio = difflib.SequenceMatcher(None, rows[0], rows[-1]).ratio()
    return rows if ratio < 1 else rows[::-1]
