from concurrent.futures import ThreadPoolExecutor

import numpy as np


def transform(grid):
    g = np.array(grid)
    with ThreadPoolExecutor(max_workers=4) as pool:
        rows = list(pool.map(lambda row: row[::-1], g))
    return np.array(rows)
