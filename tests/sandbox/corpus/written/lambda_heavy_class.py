class Solver:
    def __init__(self, rows):
        self.rows = rows

    def solve(self):
        colours = sorted({v for row in self.rows for v in row}, key=lambda v: -v)
        remap = {c: i for i, c in enumerate(colours)}
        return [[remap[v] % 10 for v in row] for row in self.rows]


def transform(grid):
    return Solver(grid.tolist()).solve()
