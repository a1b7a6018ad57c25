def columns(rows):
    yield from zip(*rows)


def transform(grid):
    cols = list(columns(grid.tolist()))
    return [list(c) for c in cols[::-1]]
