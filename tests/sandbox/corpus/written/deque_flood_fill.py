from collections import deque

import numpy as np


def transform(grid):
    g = np.array(grid)
    h, w = g.shape
    seen = np.zeros_like(g, dtype=bool)
    queue = deque((r, c) for r in range(h) for c in range(w) if (r in (0, h - 1) or c in (0, w - 1)) and g[r, c] == 0)
    for r, c in queue:
        seen[r, c] = True
    while queue:
        r, c = queue.popleft()
        for dr, dc in ((1, 0), (-1, 0), (0, 1), (0, -1)):
            nr, nc = r + dr, c + dc
            if 0 <= nr < h and 0 <= nc < w and not seen[nr, nc] and g[nr, nc] == 0:
                seen[nr, nc] = True
                queue.append((nr, nc))
    g[(g == 0) & ~seen] = 4
    return g
