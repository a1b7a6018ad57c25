import io
import pprint


def transform(grid):
    buffer = io.StringIO()
    pprint.pprint(grid.tolist(), stream=buffer)
    print("debug:", buffer.getvalue()[:20])
    return grid
