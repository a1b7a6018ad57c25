import statistics


def transform(grid):
    flat = [int(v) for row in grid for v in row]
    mode = statistics.mode(flat)
    mean = statistics.mean(flat)
    return [[mode if v > mean else v for v in row] for row in grid.tolist()]
