import random


def transform(grid):
    rng = random.Random(0)
    data = [rng.random() for _ in range(200_000)]
    data.sort()
    k = int(data[100_000] * 10) % 10
    return [[k for _ in row] for row in grid.tolist()]
