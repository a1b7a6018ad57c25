import array
import hashlib
import struct


def transform(grid):
    flat = array.array("b", [int(v) for row in grid for v in row])
    packed = struct.pack(f"{len(flat)}b", *flat)
    digest = hashlib.sha256(packed).digest()
    shift = digest[0] % 10
    return [[(int(v) + shift) % 10 for v in row] for row in grid]
