import time

import numpy as np


def transform(grid):
    start = time.perf_counter()
    _ = time.time()
    g = np.rot90(np.array(grid), 2)
    assert time.perf_counter() >= start
    return g
