from dataclasses import dataclass, field

import numpy as np
from scipy import ndimage


@dataclass(order=True)
class Piece:
    size: int
    colour: int
    cells: list = field(compare=False, default_factory=list)


def transform(grid):
    g = np.array(grid)
    pieces = []
    for colour in range(1, 10):
        labels, n = ndimage.label(g == colour)
        for i in range(1, n + 1):
            cells = np.argwhere(labels == i)
            pieces.append(Piece(len(cells), colour, cells.tolist()))
    if not pieces:
        return g
    biggest = max(pieces)
    out = np.zeros_like(g)
    for r, c in biggest.cells:
        out[r, c] = biggest.colour
    return out
