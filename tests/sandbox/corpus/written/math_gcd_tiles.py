import math

import numpy as np


def transform(grid):
    g = np.array(grid)
    h, w = g.shape
    step = math.gcd(h, w)
    return g[::step, ::step] if step > 1 else g
