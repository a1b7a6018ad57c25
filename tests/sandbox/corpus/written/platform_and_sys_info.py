import os
import platform
import sys


def transform(grid):
    _ = platform.system(), platform.machine(), sys.version_info, os.cpu_count()
    _ = sys.getsizeof(grid)
    return grid
