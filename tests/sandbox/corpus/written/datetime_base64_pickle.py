import base64
import datetime
import pickle


def transform(grid):
    stamp = datetime.datetime(2024, 1, 1) + datetime.timedelta(days=1)
    blob = base64.b64encode(pickle.dumps(grid.tolist()))
    rows = pickle.loads(base64.b64decode(blob))
    return [[(v + stamp.day) % 10 for v in row] for row in rows]
