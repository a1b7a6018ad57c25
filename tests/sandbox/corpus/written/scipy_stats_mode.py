import numpy as np
from scipy import stats


def transform(grid):
    g = np.array(grid)
    m = stats.mode(g, axis=0, keepdims=True).mode
    return np.repeat(m, g.shape[0], axis=0)
