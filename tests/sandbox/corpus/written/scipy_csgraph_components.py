import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components, shortest_path


def transform(grid):
    g = np.array(grid)
    h, w = g.shape
    idx = np.arange(h * w).reshape(h, w)
    rows, cols = [], []
    for dr, dc in ((0, 1), (1, 0)):
        a = idx[: h - dr, : w - dc][(g[: h - dr, : w - dc] == g[dr:, dc:])]
        b = idx[dr:, dc:][(g[: h - dr, : w - dc] == g[dr:, dc:])]
        rows += a.tolist()
        cols += b.tolist()
    m = csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(h * w, h * w))
    n, labels = connected_components(m, directed=False)
    _ = shortest_path(m[:4, :4], directed=False)
    return (labels.reshape(h, w) % 10)
