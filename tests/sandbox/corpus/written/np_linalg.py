import numpy as np


def transform(grid):
    g = np.array(grid, dtype=float)
    rank = np.linalg.matrix_rank(g)
    sq = g[: min(g.shape), : min(g.shape)]
    det = np.linalg.det(sq)
    fill = int(rank + (det != 0)) % 10
    return np.full((2, 2), fill)
