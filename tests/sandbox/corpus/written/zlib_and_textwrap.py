import textwrap
import zlib


def transform(grid):
    text = " ".join(str(v) for row in grid.tolist() for v in row)
    data = zlib.decompress(zlib.compress(text.encode()))
    lines = textwrap.wrap(data.decode(), width=40)
    assert lines
    return grid
