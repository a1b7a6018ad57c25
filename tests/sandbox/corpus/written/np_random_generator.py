import numpy as np


def transform(grid):
    rng = np.random.default_rng(7)
    g = np.array(grid)
    noise = rng.integers(0, 2, size=g.shape)
    np.random.seed(3)
    _ = np.random.rand(3)
    return np.where(noise == 1, g, 0)
