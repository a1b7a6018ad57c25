"""Whole-grid geometry: rigid transforms, crops, tiling, scaling, halves.

Every function here is a primitive of the search *and* the text of the program it emits: the
emitter copies these functions verbatim (``inspect.getsource``) into a self-contained
``transform``. So each one is a plain top-level function of a 2-D integer numpy array, uses
numpy only, never mutates its argument, reads no module-level names but other primitives, and
raises ``ValueError`` when it does not apply to a grid.

Not here: anything that needs objects, separators or painting (see the sibling ``lib_*``
modules), and any learning from train pairs (the catalogue chooses parameters).
"""

from __future__ import annotations

import numpy as np

from arcloop.search.grids import Array


def rotate_cw(g: Array) -> Array:
    """Rotate a quarter turn clockwise."""
    return np.rot90(g, -1)


def rotate_180(g: Array) -> Array:
    """Rotate a half turn."""
    return np.rot90(g, 2)


def rotate_ccw(g: Array) -> Array:
    """Rotate a quarter turn counter-clockwise."""
    return np.rot90(g, 1)


def flip_lr(g: Array) -> Array:
    """Mirror left-right."""
    return g[:, ::-1]


def flip_ud(g: Array) -> Array:
    """Mirror top-bottom."""
    return g[::-1, :]


def transpose(g: Array) -> Array:
    """Mirror along the main diagonal."""
    return g.T


def anti_transpose(g: Array) -> Array:
    """Mirror along the anti-diagonal."""
    return np.rot90(g, 2).T


def background(g: Array) -> int:
    """The most common colour (lowest colour on ties)."""
    return int(np.bincount(g.ravel(), minlength=10).argmax())


def bbox(mask: Array) -> tuple[int, int, int, int]:
    """(top, left, bottom, right) bounds, exclusive at the end, of the True cells of a mask."""
    rows = np.nonzero(mask.any(axis=1))[0]
    if rows.size == 0:
        raise ValueError("empty mask")
    cols = np.nonzero(mask.any(axis=0))[0]
    return int(rows[0]), int(cols[0]), int(rows[-1]) + 1, int(cols[-1]) + 1


def crop_to_content(g: Array, bg: int) -> Array:
    """Crop to the bounding box of the cells that are not ``bg`` (-1: the most common colour)."""
    if bg < 0:
        bg = background(g)
    top, left, bottom, right = bbox(g != bg)
    return g[top:bottom, left:right]


def crop_to_colour(g: Array, colour: int) -> Array:
    """Crop to the bounding box of one colour."""
    top, left, bottom, right = bbox(g == colour)
    return g[top:bottom, left:right]


def crop_inside_colour(g: Array, colour: int) -> Array:
    """Crop to the inside of the bounding box of one colour (a frame drawn in that colour)."""
    top, left, bottom, right = bbox(g == colour)
    if bottom - top < 3 or right - left < 3:
        raise ValueError("frame too small")
    return g[top + 1 : bottom - 1, left + 1 : right - 1]


def crop_inside_frame(g: Array) -> Array:
    """Crop to the inside of the largest rectangle outlined in one colour: a colour whose
    cells' bounding box has every border cell in that colour (ties raise)."""
    best: list[tuple[int, int, int, int, int]] = []
    for colour in np.unique(g):
        top, left, bottom, right = bbox(g == colour)
        if bottom - top < 3 or right - left < 3 or (bottom - top, right - left) == g.shape:
            continue
        box = g[top:bottom, left:right]
        if np.all(box[[0, -1]] == colour) and np.all(box[:, [0, -1]] == colour):
            best.append(((bottom - top) * (right - left), top, left, bottom, right))
    best.sort(reverse=True)
    if not best or (len(best) > 1 and best[0][0] == best[1][0]):
        raise ValueError("no single frame")
    _, top, left, bottom, right = best[0]
    return g[top + 1 : bottom - 1, left + 1 : right - 1]


def tile(g: Array, rows: int, cols: int) -> Array:
    """Repeat the grid ``rows`` times down and ``cols`` times across."""
    return np.tile(g, (rows, cols))


def mirror_tile(g: Array, pattern: str) -> Array:
    """Join the grid with its mirror images.

    ``pattern``: ``"lr"`` (g | flipped), ``"rl"`` (flipped | g), ``"ud"``, ``"du"``, ``"quad"``
    (g, flip_lr / flip_ud, rot180 in a 2x2 block), ``"quad_rev"`` (the same block mirrored).
    """
    lr = g[:, ::-1]
    ud = g[::-1, :]
    if pattern == "lr":
        return np.hstack([g, lr])
    if pattern == "rl":
        return np.hstack([lr, g])
    if pattern == "ud":
        return np.vstack([g, ud])
    if pattern == "du":
        return np.vstack([ud, g])
    if pattern == "quad":
        return np.vstack([np.hstack([g, lr]), np.hstack([ud, ud[:, ::-1]])])
    if pattern == "quad_rev":
        return np.vstack([np.hstack([ud[:, ::-1], ud]), np.hstack([lr, g])])
    raise ValueError(pattern)


def flip_tile(g: Array, rows: int, cols: int, first: bool) -> Array:
    """Repeat the grid ``rows`` times down and ``cols`` times across, every other row of
    copies mirrored top-bottom and every other column of copies mirrored left-right (the
    first row and column of copies mirrored when ``first``)."""
    flip = 0 if first else 1
    band = np.hstack([g[:, ::-1] if j % 2 == flip else g for j in range(cols)])
    return np.vstack([band[::-1] if i % 2 == flip else band for i in range(rows)])


def rotation_tile(g: Array) -> Array:
    """A 2x2 block of the grid turned 0, 90, 270 and 180 degrees (square grids)."""
    if g.shape[0] != g.shape[1]:
        raise ValueError("not square")
    top = np.hstack([g, np.rot90(g, -1)])
    bottom = np.hstack([np.rot90(g, 1), np.rot90(g, 2)])
    return np.vstack([top, bottom])


def upscale(g: Array, ky: int, kx: int) -> Array:
    """Blow every cell up into a ``ky`` x ``kx`` block."""
    return np.repeat(np.repeat(g, ky, axis=0), kx, axis=1)


def downscale(g: Array, ky: int, kx: int) -> Array:
    """Shrink ``ky`` x ``kx`` blocks to one cell; every block must be one colour."""
    h, w = g.shape
    if h % ky or w % kx:
        raise ValueError("not divisible")
    small = g[::ky, ::kx]
    if not np.array_equal(upscale(small, ky, kx), g):
        raise ValueError("blocks are not uniform")
    return small


def downscale_vote(g: Array, ky: int, kx: int) -> Array:
    """Shrink ``ky`` x ``kx`` blocks to one cell: the block's most common colour (noise
    outvoted); a block with two most common colours raises."""
    h, w = g.shape
    if h % ky or w % kx:
        raise ValueError("not divisible")
    blocks = g.reshape(h // ky, ky, w // kx, kx).transpose(0, 2, 1, 3).reshape(h // ky, w // kx, -1)
    counts = np.stack([(blocks == c).sum(axis=2) for c in range(10)], axis=2)
    best = counts.max(axis=2)
    if np.any((counts == best[:, :, None]).sum(axis=2) > 1):
        raise ValueError("a tied block")
    out: Array = counts.argmax(axis=2).astype(g.dtype)
    return out


def downscale_fg(g: Array, ky: int, kx: int) -> Array:
    """Shrink ``ky`` x ``kx`` blocks to one cell: the block's one non-zero colour (0 when it
    has none); a block with two non-zero colours raises."""
    h, w = g.shape
    if h % ky or w % kx:
        raise ValueError("not divisible")
    blocks = g.reshape(h // ky, ky, w // kx, kx).transpose(0, 2, 1, 3).reshape(h // ky, w // kx, -1)
    top = blocks.max(axis=2)
    low = np.where(blocks == 0, 10, blocks).min(axis=2)
    if np.any((top != 0) & (low != top)):
        raise ValueError("a block with two colours")
    out: Array = top.astype(g.dtype)
    return out


def self_kron(g: Array, invert: bool) -> Array:
    """Place a copy of the grid at every non-zero cell (zero cells when ``invert``)."""
    mask = (g == 0) if invert else (g != 0)
    return np.kron(mask.astype(g.dtype), g)


def kron_by_colour(g: Array) -> Array:
    """Place at every non-zero cell the picture of where its colour lies in the grid, in that
    colour (``self_kron`` for a grid of one colour), zeros elsewhere.

    >>> kron_by_colour(np.array([[1, 2], [0, 1]])).tolist()
    [[1, 0, 0, 2], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]]
    """
    h, w = g.shape
    # blocks[i, j] is the block laid at cell (i, j): g's cells of colour g[i, j]
    blocks = np.where(g[:, :, None, None] == g[None, None], g[:, :, None, None], 0)
    blocks[g == 0] = 0
    out: Array = blocks.transpose(0, 2, 1, 3).reshape(h * h, w * w)
    return out


def colour_kron(g: Array, colour: int) -> Array:
    """Place a copy of the grid at every cell of ``colour`` (-1: the grid's most common
    colour, which must be unique), zeros elsewhere."""
    if colour < 0:
        counts = np.bincount(g.ravel(), minlength=10)
        if np.count_nonzero(counts == counts.max()) > 1:
            raise ValueError("no single most common colour")
        colour = int(counts.argmax())
    mask = g == colour
    if not mask.any() or mask.all():
        raise ValueError("the colour is missing or everywhere")
    return np.kron(mask.astype(g.dtype), g)


def upscale_by_colours(g: Array) -> Array:
    """Blow every cell up into a k x k block, k the number of non-zero colours."""
    k = len(np.unique(g[g != 0]))
    if not 2 <= k <= 6:
        raise ValueError("colour count out of range")
    return upscale(g, k, k)


def pad_edges(g: Array) -> Array:
    """Add a one-cell border that repeats the grid's edge rows and columns (corners 0)."""
    h, w = g.shape
    out = np.zeros((h + 2, w + 2), dtype=g.dtype)
    out[1:-1, 1:-1] = g
    out[0, 1:-1], out[-1, 1:-1] = g[0], g[-1]
    out[1:-1, 0], out[1:-1, -1] = g[:, 0], g[:, -1]
    return out


def bounce_tile(g: Array, axis: int, k: int) -> Array:
    """Repeat the grid ``k`` times along ``axis``, every other copy mirrored, neighbouring
    copies sharing their edge line (``k`` x (n - 1) + 1 lines)."""
    n = g.shape[axis]
    if n < 2:
        raise ValueError("too thin to bounce")
    period = 2 * (n - 1)
    index = np.arange(k * (n - 1) + 1) % period
    index = np.where(index < n, index, period - index)
    return g[index] if axis == 0 else g[:, index]


def repeat_band(g: Array, axis: int, minimal: bool) -> Array:
    """Continue the band of lines holding every non-zero cell (rows for ``axis`` 0, columns
    for 1) across the whole grid, repeating it in steps of its own width, or with ``minimal``
    of the shortest period it already shows over at least one and a half periods.

    >>> repeat_band(np.array([[0, 0], [0, 0], [1, 2], [3, 0]]), 0, False).tolist()
    [[1, 2], [3, 0], [1, 2], [3, 0]]
    >>> repeat_band(np.array([[1, 2, 3, 1, 2, 0, 0, 0]]), 1, True).tolist()
    [[1, 2, 3, 1, 2, 3, 1, 2]]
    """
    lines = np.flatnonzero(g.any(axis=1 - axis))
    if len(lines) == 0:
        raise ValueError("nothing to repeat")
    start = int(lines[0])
    band = g[start : lines[-1] + 1] if axis == 0 else g[:, start : lines[-1] + 1].T
    n = len(band)
    period = n
    if minimal:
        shown = [q for q in range(1, 2 * n // 3 + 1) if np.array_equal(band[q:], band[:-q])]
        if not shown:
            raise ValueError("the band shows no repeat")
        period = shown[0]
    index = (np.arange(g.shape[axis]) - start) % period
    return band[index] if axis == 0 else band[index].T


def overlay_corners(g: Array, h: int, w: int) -> Array:
    """Lay the grid's four ``h`` x ``w`` corner windows on one another; two different
    non-zero colours on one cell raise."""
    gh, gw = g.shape
    if h > gh or w > gw or (h, w) == (gh, gw):
        raise ValueError("corners do not fit")
    return overlay_agreeing([g[:h, :w], g[:h, gw - w :], g[gh - h :, :w], g[gh - h :, gw - w :]])


def overlay_agreeing(windows: list[Array]) -> Array:
    """Lay equal-sized grids on one another (non-zero cells show); two different non-zero
    colours on one cell raise."""
    out = np.zeros_like(windows[0])
    for window in windows:
        if np.any((out != 0) & (window != 0) & (out != window)):
            raise ValueError("windows disagree")
        out = np.where(window != 0, window, out)
    return out


def shear(g: Array, axis: int, first_most: bool) -> Array:
    """Skew the grid: shift each row (``axis`` 0) one cell further right than the row below it
    (``first_most``: the top row shifted most) or than the row above it, onto a background of
    0 that grows by one less than the number of rows; ``axis`` 1 does the same to the columns,
    downwards.

    >>> shear(np.array([[1, 2], [3, 4]]), 0, True).tolist()
    [[0, 1, 2], [3, 4, 0]]
    """
    if axis:
        return shear(g.T, 0, first_most).T
    h, w = g.shape
    if w + h - 1 > 30:
        raise ValueError("too wide")
    out = np.zeros((h, w + h - 1), dtype=g.dtype)
    for i in range(h):
        k = h - 1 - i if first_most else i
        out[i, k : k + w] = g[i]
    return out


def half(g: Array, part: str) -> Array:
    """One half: ``"top"``, ``"bottom"``, ``"left"`` or ``"right"`` (a middle line is dropped)."""
    h, w = g.shape
    if part == "top":
        return g[: h // 2]
    if part == "bottom":
        return g[(h + 1) // 2 :]
    if part == "left":
        return g[:, : w // 2]
    if part == "right":
        return g[:, (w + 1) // 2 :]
    raise ValueError(part)


def drop_repeats(g: Array) -> Array:
    """Merge runs of identical adjacent rows and of identical adjacent columns."""
    keep_r = np.r_[True, np.any(g[1:] != g[:-1], axis=1)]
    g = g[keep_r]
    keep_c = np.r_[True, np.any(g[:, 1:] != g[:, :-1], axis=0)]
    return g[:, keep_c]


def shrink_content(g: Array) -> Array:
    """A picture drawn large, drawn small again: crop to the non-zero cells, then shrink every
    ``ky`` x ``kx`` block to one cell, with ``ky`` and ``kx`` the largest factors for which the
    cropped rows come in runs of ``ky`` equal rows and its columns in runs of ``kx``.

    Covers the ARC pattern of a small shape shown blown up somewhere on a larger canvas (the
    output, or the next step, works on the small shape). Raises unless the drawing is blown
    up both ways (``ky`` and ``kx`` above 1).

    >>> shrink_content(np.array([[0, 0, 0, 0], [0, 5, 5, 0], [0, 5, 5, 0], [0, 0, 0, 0]]))
    array([[5]])
    """
    top, left, bottom, right = bbox(g != 0)
    content = g[top:bottom, left:right]
    factors = []
    for axis in (0, 1):
        n = content.shape[axis]
        k = next(
            (
                k
                for k in range(n, 1, -1)
                if n % k == 0
                and np.array_equal(
                    np.repeat(np.take(content, range(0, n, k), axis=axis), k, axis=axis), content
                )
            ),
            1,
        )
        factors.append(k)
    ky, kx = factors
    if ky == 1 or kx == 1:
        raise ValueError("not drawn large both ways")
    return content[::ky, ::kx]


def crop_block(g: Array) -> Array:
    """Crop to the largest block of one colour in a noisy grid: the largest rectangle, at
    least 3 x 3, whose outer ring is all one colour and whose cells are at least three
    quarters that colour (marks inside it are kept).

    Covers the ARC pattern of a plain rectangle hidden among noise, cut out (the next step
    may work on the marks inside it). Two largest blocks, or none, raise.

    >>> g = np.array([[1, 2, 3, 4, 5], [6, 7, 7, 7, 8], [9, 7, 2, 7, 1], [2, 7, 7, 7, 3]])
    >>> crop_block(g).tolist()
    [[7, 7, 7], [7, 2, 7], [7, 7, 7]]
    """
    h, w = g.shape
    best: list[tuple[int, int, int, int, int]] = []
    for c in range(10):
        m = g == c
        if np.count_nonzero(m) < 8:  # the smallest ring
            continue
        cols = np.vstack([np.zeros((1, w), dtype=np.int64), np.cumsum(m, axis=0)])
        for t in range(h - 2):
            for b in range(t + 2, h):
                full = cols[b + 1] - cols[t] == b - t + 1
                edge = m[t] & m[b]
                for left in [int(x) for x in np.flatnonzero(full & edge)]:
                    end = left  # the ring's top and bottom rows run from left to end
                    while end + 1 < w and edge[end + 1]:
                        end += 1
                    for r in range(end, left + 1, -1):
                        area = (b - t + 1) * (r - left + 1)
                        if best and area < best[0][0]:
                            break
                        if (
                            not full[r]
                            or np.count_nonzero(m[t : b + 1, left : r + 1]) * 4 < area * 3
                        ):
                            continue
                        if best and area > best[0][0]:
                            best = []
                        best.append((area, t, left, b, r))
    if len(best) != 1:
        raise ValueError("no one largest block")
    _, t, left, b, r = best[0]
    return g[t : b + 1, left : r + 1]


def drop_repeated_half(g: Array) -> Array:
    """The first half of a grid made of one half twice (side by side, else stacked)."""
    h, w = g.shape
    if w % 2 == 0 and np.array_equal(g[:, : w // 2], g[:, w // 2 :]):
        return g[:, : w // 2]
    if h % 2 == 0 and np.array_equal(g[: h // 2], g[h // 2 :]):
        return g[: h // 2]
    raise ValueError("not two equal halves")


def drop_uniform_lines(g: Array, bg: int) -> Array:
    """Remove every row and column made only of ``bg``."""
    rows = np.any(g != bg, axis=1)
    cols = np.any(g != bg, axis=0)
    if not rows.any():
        raise ValueError("empty grid")
    return g[rows][:, cols]


def strip_border(g: Array) -> Array:
    """Remove the outermost ring of cells."""
    if min(g.shape) < 3:
        raise ValueError("too small")
    return g[1:-1, 1:-1]


def add_border(g: Array, colour: int) -> Array:
    """Surround the grid with a one-cell ring of ``colour``."""
    return np.pad(g, 1, constant_values=colour)


def most_common_colour_cell(g: Array, bg: int) -> Array:
    """A 1x1 grid of the most common colour other than ``bg``."""
    counts = np.bincount(g.ravel(), minlength=10)
    counts[bg] = 0
    if counts.max() == 0:
        raise ValueError("only background")
    return np.array([[int(counts.argmax())]])


def least_common_colour_cell(g: Array, bg: int) -> Array:
    """A 1x1 grid of the least common colour present, other than ``bg``."""
    counts = np.bincount(g.ravel(), minlength=10).astype(float)
    counts[bg] = 0
    counts[counts == 0] = np.inf
    if np.isinf(counts.min()):
        raise ValueError("only background")
    return np.array([[int(counts.argmin())]])


def reverse_rings(g: Array) -> Array:
    """Reverse the colours of a grid of concentric rings (each ring one colour): the outermost
    ring takes the innermost ring's colour, the next the next-to-innermost, and so on.

    Covers nested frames turned inside out, colour by colour.

    >>> reverse_rings(np.array([[2, 2, 2], [2, 7, 2], [2, 2, 2]])).tolist()
    [[7, 7, 7], [7, 2, 7], [7, 7, 7]]
    """
    h, w = g.shape
    ys, xs = np.indices((h, w))
    depth = np.minimum(np.minimum(ys, xs), np.minimum(h - 1 - ys, w - 1 - xs))
    n = int(depth.max()) + 1
    colours = []
    for k in range(n):
        ring = g[depth == k]
        if np.any(ring != ring[0]):
            raise ValueError("a ring of more than one colour")
        colours.append(int(ring[0]))
    if colours == colours[::-1]:
        raise ValueError("the rings read the same both ways")
    out: Array = np.asarray(colours[::-1], dtype=g.dtype)[depth]
    return out


def keep_middle_line(g: Array, axis: int) -> Array:
    """Keep only the middle column (``axis=1``) or row (``axis=0``) of a grid of odd width
    (height); empty the rest.

    Covers a picture reduced to its central line.

    >>> keep_middle_line(np.array([[1, 2, 3], [4, 5, 6]]), 1).tolist()
    [[0, 2, 0], [0, 5, 0]]
    """
    n = g.shape[axis]
    if n % 2 == 0 or n < 3:
        raise ValueError("no single middle line")
    out = np.zeros_like(g)
    if axis == 1:
        out[:, n // 2] = g[:, n // 2]
    else:
        out[n // 2] = g[n // 2]
    return out
