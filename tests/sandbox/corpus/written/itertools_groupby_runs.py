from itertools import groupby


def transform(grid):
    rows = []
    for row in grid.tolist():
        runs = [k for k, _ in groupby(row)]
        rows.append(runs)
    width = max(len(r) for r in rows)
    return [r + [0] * (width - len(r)) for r in rows]
