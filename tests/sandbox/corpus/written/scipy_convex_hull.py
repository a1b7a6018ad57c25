import numpy as np
from scipy.spatial import ConvexHull, QhullError


def transform(grid):
    g = np.array(grid)
    pts = np.argwhere(g > 0).astype(float)
    out = g.copy()
    try:
        hull = ConvexHull(pts)
    except (QhullError, ValueError):
        return out
    for r, c in pts[hull.vertices].astype(int):
        out[r, c] = 6
    return out
