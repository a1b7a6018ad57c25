import copy


def transform(grid):
    rows = [list(map(int, row)) for row in grid]
    out = copy.deepcopy(rows)
    for row in out:
        row.reverse()
    return out
