import numpy as np
from scipy import ndimage


def transform(grid):
    g = np.array(grid)
    dist = ndimage.distance_transform_edt(g == 0)
    com = ndimage.center_of_mass(g > 0) if (g > 0).any() else (0, 0)
    out = np.minimum(dist, 9).astype(int)
    r, c = (int(round(v)) for v in com)
    out[min(r, out.shape[0] - 1), min(c, out.shape[1] - 1)] = 5
    return out
