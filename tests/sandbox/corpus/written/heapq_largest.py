import heapq

import numpy as np


def transform(grid):
    g = np.array(grid)
    counts = np.bincount(g.flatten(), minlength=10)
    top = heapq.nlargest(3, range(10), key=lambda c: (counts[c], -c))
    return np.array([top])
