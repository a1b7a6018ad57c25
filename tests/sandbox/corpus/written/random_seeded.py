import random

import numpy as np


def transform(grid):
    rng = random.Random(1234)
    g = np.array(grid)
    order = list(range(g.shape[0]))
    rng.shuffle(order)
    return g[sorted(order)]
