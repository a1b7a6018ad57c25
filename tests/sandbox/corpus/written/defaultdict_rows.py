from collections import defaultdict


def transform(grid):
    by_colour = defaultdict(list)
    for r, row in enumerate(grid.tolist()):
        for c, v in enumerate(row):
            by_colour[v].append((r, c))
    out = [list(row) for row in grid.tolist()]
    for colour, cells in by_colour.items():
        if len(cells) == 1:
            r, c = cells[0]
            out[r][c] = 0
    return out
