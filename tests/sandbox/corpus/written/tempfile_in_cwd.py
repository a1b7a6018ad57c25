import os
import tempfile

import numpy as np


def transform(grid):
    g = np.array(grid)
    with tempfile.NamedTemporaryFile(suffix=".npy", delete=False) as f:
        np.save(f, g)
        name = f.name
    loaded = np.load(name)
    os.remove(name)
    with open("scratch.txt", "w") as f:
        f.write("note")
    assert os.path.exists("scratch.txt")
    return loaded.T
