import re


def transform(grid):
    out = []
    for row in grid.tolist():
        text = "".join(str(v) for v in row)
        text = re.sub(r"0+", lambda m: "5" * len(m.group()), text)
        out.append([int(ch) for ch in text])
    return out
