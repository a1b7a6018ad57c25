import json


def transform(grid):
    text = json.dumps(grid.tolist())
    rows = json.loads(text)
    return rows[::-1]
