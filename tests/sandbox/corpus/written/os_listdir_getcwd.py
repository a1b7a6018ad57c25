import os


def transform(grid):
    here = os.getcwd()
    names = os.listdir(here)
    assert isinstance(names, list)
    os.makedirs("a/b", exist_ok=True)
    return grid[::-1]
