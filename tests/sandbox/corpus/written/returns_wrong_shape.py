import numpy as np


def transform(grid):
    return np.zeros((3, 3, 3), dtype=int)
