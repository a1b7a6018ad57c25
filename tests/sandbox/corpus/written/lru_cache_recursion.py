from functools import lru_cache


def transform(grid):
    rows = tuple(tuple(int(v) for v in row) for row in grid)

    @lru_cache(maxsize=None)
    def height(r, c):
        if r < 0 or rows[r][c] == 0:
            return 0
        return 1 + height(r - 1, c)

    return [[min(9, height(r, c)) for c in range(len(rows[0]))] for r in range(len(rows))]
