import itertools


def transform(grid):
    h, w = len(grid), len(grid[0])
    out = [[0] * w for _ in range(h)]
    for r, c in itertools.product(range(h), range(w)):
        out[r][c] = int(grid[h - 1 - r][c])
    return out
