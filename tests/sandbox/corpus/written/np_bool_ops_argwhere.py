import numpy as np


def transform(grid):
    g = np.array(grid)
    pts = np.argwhere(g != 0)
    if len(pts) == 0:
        return g
    (r0, c0), (r1, c1) = pts.min(0), pts.max(0)
    return g[r0:r1 + 1, c0:c1 + 1]
