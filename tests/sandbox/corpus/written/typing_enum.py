from enum import Enum
from typing import List


class Direction(Enum):
    UP = (-1, 0)
    DOWN = (1, 0)


def shift(rows: List[List[int]], d: Direction) -> List[List[int]]:
    dr, _ = d.value
    return rows[-dr:] + rows[:-dr]


def transform(grid):
    return shift([list(map(int, r)) for r in grid], Direction.DOWN)
