import numpy as np
from scipy import ndimage


def transform(grid):
    g = np.array(grid)[:10, :10]
    big = ndimage.zoom(g, 2, order=0)
    labels, n = ndimage.label(big > 0)
    sizes = ndimage.sum_labels(np.ones_like(big), labels, index=range(1, n + 1))
    return big if len(sizes) == 0 or max(sizes) < 50 else big[:15, :15]
