from fractions import Fraction

import numpy as np


def transform(grid):
    g = np.array(grid)
    ratio = Fraction(g.shape[0], g.shape[1])
    if ratio == 1:
        return g.T
    return g
