import numpy as np
from scipy.spatial import KDTree
from scipy.spatial.distance import cdist


def transform(grid):
    g = np.array(grid)
    pts = np.argwhere(g > 0)
    if len(pts) < 2:
        return g
    d = cdist(pts, pts)
    tree = KDTree(pts)
    _, idx = tree.query(pts, k=2)
    out = g.copy()
    far = pts[np.argmax(d.sum(axis=1))]
    out[tuple(far)] = 9
    assert idx.shape[0] == len(pts)
    return out
