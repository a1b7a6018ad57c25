from functools import reduce

import numpy as np


def transform(grid):
    g = np.array(grid)
    parts = np.array_split(g, 2, axis=1)
    if parts[0].shape != parts[1].shape:
        return g
    merged = reduce(np.maximum, parts)
    return merged
