import numpy as np
from scipy import ndimage


def transform(grid):
    g = np.array(grid)
    labels, n = ndimage.label(g > 0)
    if n == 0:
        return g
    slices = ndimage.find_objects(labels)
    sizes = [(labels[s] > 0).sum() for s in slices]
    s = slices[int(np.argmax(sizes))]
    return g[s]
