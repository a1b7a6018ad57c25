import os
import secrets
import uuid


def transform(grid):
    _ = uuid.uuid4()
    _ = secrets.token_hex(4)
    _ = os.urandom(8)
    return grid
