import numpy as np


def transform(grid):
    scratch = np.ones((2000, 2000), dtype=np.int64)
    s = int(scratch.sum()) % 10
    return np.full(np.array(grid).shape, s)
