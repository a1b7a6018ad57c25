import numpy as np


def transform(grid):
    g = np.asarray(grid)
    values, counts = np.unique(g, return_counts=True)
    rare = values[np.argmin(counts)]
    return (g == rare).astype(int) * rare
