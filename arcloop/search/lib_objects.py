"""Objects: connected groups of non-background cells, selected by a property.

An object is a boolean mask over the grid. ``find_objects`` labels them (4- or 8-connected;
one colour per object, or any non-background colours together); a selector picks exactly one
object (ties make the primitive not apply, so an ambiguous choice never fits by luck); actions
crop to it, keep it alone, or erase it. ``stamp_template`` paints one-colour objects like
the many-coloured object of the same shape.

Like every ``lib_*`` module, these functions are emitted verbatim into programs: numpy only,
no module-level names but other primitives, ``ValueError`` when they do not apply.

Not here: moving objects, or relations between two objects (touching, inside, aligned).
"""

from __future__ import annotations

import numpy as np

from arcloop.search.grids import Array
from arcloop.search.lib_geometry import bbox, overlay_agreeing
from arcloop.search.lib_paint import reach_from_border
from arcloop.search.lib_rules import seen_along


def find_objects(g: Array, diagonal: bool, multicolour: bool, bg: int) -> list[Array]:
    """Masks of the connected groups of cells that are not ``bg``, in reading order.

    Args:
        g: the grid.
        diagonal: cells touching at a corner are connected too (8-connectivity).
        multicolour: neighbours of different colours join one object; else an object is one
            colour.
        bg: the background colour, never part of an object.
    """
    h, w = g.shape
    fg = g != bg
    big = h * w
    labels = np.where(fg, np.arange(big).reshape(h, w), big)
    steps = [(0, 1), (1, 0), (0, -1), (-1, 0)]
    if diagonal:
        steps += [(1, 1), (1, -1), (-1, 1), (-1, -1)]
    padded_g = np.full((h + 2, w + 2), -1)
    padded_g[1:-1, 1:-1] = g
    links = []
    for dy, dx in steps:
        nb = padded_g[1 + dy : 1 + dy + h, 1 + dx : 1 + dx + w]
        link = fg & (nb != bg) & (nb >= 0)
        if not multicolour:
            link &= nb == g
        links.append(link)
    box = np.full((h + 2, w + 2), big)
    while True:
        box[1:-1, 1:-1] = labels
        new = labels.copy()
        for (dy, dx), link in zip(steps, links, strict=True):
            nb = box[1 + dy : 1 + dy + h, 1 + dx : 1 + dx + w]
            np.minimum(new, nb, out=new, where=link)
        flat = np.append(new.ravel(), big)
        new = flat[flat[:-1]].reshape(h, w)
        if np.array_equal(new, labels):
            break
        labels = new
    return [labels == v for v in np.unique(labels[fg])]


def object_property(g: Array, mask: Array, prop: str) -> float:
    """A number describing one object; selectors take the object where it is extreme."""
    if prop == "size":
        return float(mask.sum())
    if prop == "colours":
        return float(len(np.unique(g[mask])))
    if prop == "colour_rarity":
        counts = np.bincount(g.ravel(), minlength=10)
        return -float(counts[g[mask]].min())
    top, left, bottom, right = bbox(mask)
    if prop == "area":
        return float((bottom - top) * (right - left))
    if prop == "top":
        return float(top)
    if prop == "left":
        return float(left)
    if prop == "bottom":
        return float(bottom)
    if prop == "right":
        return float(right)
    if prop == "density":
        return float(mask.sum()) / float((bottom - top) * (right - left))
    if prop == "symmetry":
        box = np.where(mask, g, -1)[top:bottom, left:right]
        return float(np.array_equal(box, box[:, ::-1]) or np.array_equal(box, box[::-1]))
    raise ValueError(prop)


def shape_key(g: Array, mask: Array) -> bytes:
    """The object's exact shape and colours, as bytes (for finding the odd one out)."""
    top, left, bottom, right = bbox(mask)
    box = np.where(mask, g, -1)[top:bottom, left:right]
    return bytes(str(box.shape), "ascii") + box.tobytes()


def select_object(g: Array, diagonal: bool, multicolour: bool, selector: str) -> Array:
    """The mask of the one object (of 2 to 30) a selector picks.

    ``selector`` is ``"max_<prop>"`` or ``"min_<prop>"`` for a property of
    ``object_property``, ``"unique_shape"`` (the one object whose shape occurs once),
    ``"unique_colour"`` (the one object whose colour set occurs once) or ``"common_shape"``
    (the first of the copies of the shape that occurs most often). Ties raise.
    """
    objects = find_objects(g, diagonal, multicolour, 0)
    if not 2 <= len(objects) <= 30:
        raise ValueError("fewer than two objects, or too many to choose from")
    if selector == "common_shape":
        keys = [shape_key(g, m) for m in objects]
        counts = [keys.count(k) for k in keys]
        best = max(counts)
        if best < 2 or len({k for k, c in zip(keys, counts, strict=True) if c == best}) != 1:
            raise ValueError("no single most common shape")
        return objects[counts.index(best)]
    if selector in ("unique_shape", "unique_colour"):
        if selector == "unique_shape":
            keys = [shape_key(g, m) for m in objects]
        else:
            keys = [bytes(np.unique(g[m]).astype(np.int8)) for m in objects]
        once = [m for m, k in zip(objects, keys, strict=True) if keys.count(k) == 1]
        if len(once) != 1:
            raise ValueError("no unique object")
        return once[0]
    sense, prop = selector.split("_", 1)
    values = np.array([object_property(g, m, prop) for m in objects])
    best = values.max() if sense == "max" else values.min()
    hits = np.flatnonzero(values == best)
    if len(hits) != 1:
        raise ValueError("tie")
    return objects[int(hits[0])]


def crop_object(g: Array, diagonal: bool, multicolour: bool, selector: str) -> Array:
    """Crop to the bounding box of the selected object (other cells in the box kept)."""
    top, left, bottom, right = bbox(select_object(g, diagonal, multicolour, selector))
    return g[top:bottom, left:right]


def crop_object_alone(g: Array, diagonal: bool, multicolour: bool, selector: str) -> Array:
    """Crop to the selected object, with the other cells of its box set to 0."""
    mask = select_object(g, diagonal, multicolour, selector)
    top, left, bottom, right = bbox(mask)
    return np.where(mask, g, 0)[top:bottom, left:right]


def keep_object(g: Array, diagonal: bool, multicolour: bool, selector: str) -> Array:
    """Erase (set to 0) everything but the selected object."""
    return np.where(select_object(g, diagonal, multicolour, selector), g, 0)


def erase_object(g: Array, diagonal: bool, multicolour: bool, selector: str) -> Array:
    """Erase (set to 0) the selected object."""
    return np.where(select_object(g, diagonal, multicolour, selector), 0, g)


def erase_small_objects(g: Array, diagonal: bool, max_size: int) -> Array:
    """Erase every object of at most ``max_size`` cells (noise removal)."""
    out = g.copy()
    for mask in find_objects(g, diagonal, True, 0):
        if mask.sum() <= max_size:
            out[mask] = 0
    return out


def recolour_by_size(g: Array, diagonal: bool) -> Array:
    """Paint each one-colour object with its size in cells (capped at 9)."""
    out = g.copy()
    for mask in find_objects(g, diagonal, False, 0):
        out[mask] = min(int(mask.sum()), 9)
    return out


def recolour_by_size_rank(g: Array, diagonal: bool) -> Array:
    """Paint objects 1, 2, 3, ... from the largest down (equal sizes share a colour)."""
    objects = find_objects(g, diagonal, True, 0)
    sizes = sorted({int(m.sum()) for m in objects}, reverse=True)
    if len(sizes) > 9:
        raise ValueError("too many sizes")
    out = g.copy()
    for mask in objects:
        out[mask] = sizes.index(int(mask.sum())) + 1
    return out


def count_objects_row(g: Array, diagonal: bool) -> Array:
    """A 1 x n row of 1s, one per object (a colour map paints it)."""
    n = len(find_objects(g, diagonal, True, 0))
    if not 1 <= n <= 30:
        raise ValueError("object count out of range")
    return np.ones((1, n), dtype=g.dtype)


def count_cells_row(g: Array) -> Array:
    """A 1 x n row, one cell per non-zero cell, of the most common non-zero colour."""
    n = int(np.count_nonzero(g))
    if not 1 <= n <= 30:
        raise ValueError("cell count out of range")
    colour = int(np.bincount(g[g != 0], minlength=10).argmax())
    return np.full((1, n), colour, dtype=g.dtype)


def colours_by_size(g: Array) -> Array:
    """A column of the objects' colours (8-connected, one colour each), the largest first;
    two objects of one size raise."""
    objects = find_objects(g, True, False, 0)
    sizes = [int(m.sum()) for m in objects]
    if not 2 <= len(objects) <= 30 or len(set(sizes)) != len(sizes):
        raise ValueError("no order by size")
    order = np.argsort(sizes)[::-1]
    return np.array([[int(g[objects[i]][0])] for i in order], dtype=g.dtype)


def colour_list(g: Array, order: str, skip: int) -> Array:
    """The grid's non-zero colours, one cell each, without the first ``skip`` of them.

    ``order``: ``"count"`` (most cells first, a column; equal counts raise) or
    ``"position"`` (by the mean position of their cells, along the axis on which the colours
    lie further apart: a row when they lie side by side, a column when stacked).
    """
    colours = [int(c) for c in np.unique(g) if c != 0]
    if not 2 <= len(colours) <= 30:
        raise ValueError("colour count out of range")
    h, w = g.shape
    if order == "count":
        counts = [int(np.count_nonzero(g == c)) for c in colours]
        if len(set(counts)) != len(counts):
            raise ValueError("equal counts")
        ranked = [c for _, c in sorted(zip(counts, colours, strict=True), reverse=True)]
        return np.array([[c] for c in ranked[skip:]], dtype=g.dtype)
    if order != "position":
        raise ValueError(order)
    rows, cols = np.indices((h, w))
    ys = [float(rows[g == c].mean()) for c in colours]
    xs = [float(cols[g == c].mean()) for c in colours]
    across = (max(xs) - min(xs)) / w > (max(ys) - min(ys)) / h
    keys = xs if across else ys
    if len(set(keys)) != len(keys):
        raise ValueError("colours at one position")
    ranked = [c for _, c in sorted(zip(keys, colours, strict=True))][skip:]
    if not ranked:
        raise ValueError("nothing left")
    out = np.array([ranked], dtype=g.dtype)
    return out if across else out.T


def colour_bars(g: Array, which: str) -> Array:
    """Columns of colour, one per bar, top-aligned, as tall as the bar's size.

    ``which``: ``"count"``, one bar per non-zero colour as long as its cell count, most
    first (equal counts raise); ``"largest"``, one bar per largest object (4-connected, one
    colour), left to right by its leftmost cell (two at one column raise).
    """
    if which == "count":
        colours = [int(c) for c in np.unique(g) if c != 0]
        sizes = [int(np.count_nonzero(g == c)) for c in colours]
        if len(set(sizes)) != len(sizes):
            raise ValueError("equal counts")
        bars = sorted(zip(sizes, colours, strict=True), reverse=True)
    elif which == "largest":
        objects = find_objects(g, False, False, 0)
        if not objects:
            raise ValueError("no objects")
        top = max(int(m.sum()) for m in objects)
        big = [m for m in objects if int(m.sum()) == top]
        lefts = [int(np.flatnonzero(m.any(axis=0))[0]) for m in big]
        if len(set(lefts)) != len(lefts):
            raise ValueError("two objects at one column")
        bars = [
            (top, int(g[m][0])) for _, m in sorted(zip(lefts, big, strict=True), key=lambda p: p[0])
        ]
    else:
        raise ValueError(which)
    if not bars or bars[0][0] > 30 or len(bars) > 30:
        raise ValueError("bars out of range")
    height = max(size for size, _ in bars)
    out = np.zeros((height, len(bars)), dtype=g.dtype)
    for x, (size, colour) in enumerate(bars):
        out[:size, x] = colour
    return out


FILL_ORDERS = ("rows", "snake", "cols", "checker")
"""The orders ``fill_places`` knows, most common first."""


def fill_places(h: int, w: int, order: str) -> list[tuple[int, int]]:
    """The cells of an ``h`` x ``w`` grid in one fixed order: ``"rows"`` (reading order),
    ``"snake"`` (rows, every other one backwards), ``"cols"`` (column by column) or
    ``"checker"`` (reading order over the cells whose row plus column is even)."""
    if order == "cols":
        return [(y, x) for x in range(w) for y in range(h)]
    places = [(y, x) for y in range(h) for x in range(w)]
    if order == "snake":
        return [(y, x if y % 2 == 0 else w - 1 - x) for y, x in places]
    if order == "checker":
        return [(y, x) for y, x in places if (y + x) % 2 == 0]
    if order != "rows":
        raise ValueError(order)
    return places


def count_diagonal(g: Array, diagonal: bool) -> Array:
    """An n x n grid of zeros with 1 on its main diagonal, n the number of objects (of any
    colours)."""
    n = len(find_objects(g, diagonal, True, 0))
    if not 1 <= n <= 30:
        raise ValueError("object count out of range")
    return np.eye(n, dtype=g.dtype)


def gather_around(g: Array, colour: int) -> Array:
    """Lay the 3 x 3 windows centred on every cell of ``colour`` on one another (cells off
    the grid count as 0); two different non-zero colours on one cell raise."""
    h, w = g.shape
    ys, xs = np.nonzero(g == colour)
    if len(ys) < 2:
        raise ValueError("fewer than two anchors")
    padded = np.zeros((h + 2, w + 2), dtype=g.dtype)
    padded[1:-1, 1:-1] = g
    return overlay_agreeing([padded[y : y + 3, x : x + 3] for y, x in zip(ys, xs, strict=True)])


def cells_in_order(g: Array, h: int, w: int, order: str) -> Array:
    """The grid's non-zero cells read column by column (left to right, top to bottom within
    a column), written into an ``h`` x ``w`` grid of zeros in a fixed order
    (``fill_places``); more cells than places raise."""
    ys, xs = np.nonzero(g.T)
    values = [int(g[x, y]) for y, x in zip(ys, xs, strict=True)]
    places = fill_places(h, w, order)
    if not values or len(values) > len(places):
        raise ValueError("cell count does not fit")
    out = np.zeros((h, w), dtype=g.dtype)
    for (y, x), v in zip(places, values, strict=False):
        out[y, x] = v
    return out


def count_fill(g: Array, colour: int, min_size: int, h: int, w: int, order: str) -> Array:
    """An ``h`` x ``w`` grid of zeros with one cell of 1 per counted object, placed in a fixed
    order (``fill_places``).

    Counted: the 4-connected one-colour objects of ``colour`` (0: of any colour) with at
    least ``min_size`` cells. More objects than places raise.
    """
    n = 0
    for mask in find_objects(g, False, False, 0):
        if int(mask.sum()) >= min_size and colour in (0, int(g[mask][0])):
            n += 1
    places = fill_places(h, w, order)
    if n > len(places):
        raise ValueError("more objects than places")
    out = np.zeros((h, w), dtype=g.dtype)
    for y, x in places[:n]:
        out[y, x] = 1
    return out


def bounding_boxes(g: Array, diagonal: bool, colour: int) -> Array:
    """Fill the empty cells of each object's bounding box with ``colour``."""
    out = g.copy()
    for mask in find_objects(g, diagonal, True, 0):
        top, left, bottom, right = bbox(mask)
        box = out[top:bottom, left:right]
        box[box == 0] = colour
    return out


def object_feature(g: Array, mask: Array, feature: str) -> object:
    """A literal describing one object, the key of a learned object rule.

    ``feature``: ``"colour"`` (its colour, or sorted colours), ``"size"`` (cells),
    ``"height"``, ``"width"``, ``"odd"`` (whether it touches the grid's edge, whether its height is
    odd, whether its width is),
    ``"shape"`` (rows of ``#`` and ``.``), ``"border"`` (touches the
    grid's edge), ``"holes"`` (encloses background cells), ``"touches"`` (the non-zero colours
    beside it, sorted), ``"filled"`` (it fills its bounding box), ``"square"`` (it fills a
    square box), ``"touch_<c>"`` (a cell of colour ``c`` is beside it), ``"where"`` (the
    grid corner it covers, else whether it covers a middle cell: ``_where``).
    """
    top, left, bottom, right = bbox(mask)
    if feature == "colour":
        colours = tuple(int(c) for c in np.unique(g[mask]))
        return colours[0] if len(colours) == 1 else colours
    if feature == "size":
        return int(mask.sum())
    if feature == "height":
        return bottom - top
    if feature == "width":
        return right - left
    if feature == "odd":
        edge = top == 0 or left == 0 or bottom == g.shape[0] or right == g.shape[1]
        return edge, (bottom - top) % 2 == 1, (right - left) % 2 == 1
    if feature == "shape":
        box = mask[top:bottom, left:right]
        return tuple("".join("#" if v else "." for v in row) for row in box)
    if feature == "border":
        return top == 0 or left == 0 or bottom == g.shape[0] or right == g.shape[1]
    if feature == "touches" or feature.startswith("touch_"):
        grown = mask.copy()
        grown[1:] |= mask[:-1]
        grown[:-1] |= mask[1:]
        grown[:, 1:] |= mask[:, :-1]
        grown[:, :-1] |= mask[:, 1:]
        around = g[grown & ~mask]
        if feature != "touches":
            return bool((around == int(feature[6:])).any())
        return tuple(int(c) for c in np.unique(around[around != 0]))
    if feature == "filled":
        return bool(mask[top:bottom, left:right].all())
    if feature == "square":
        return bottom - top == right - left and bool(mask[top:bottom, left:right].all())
    if feature == "where":
        return _where(mask)
    if feature == "holes":
        box = ~mask[top:bottom, left:right]
        padded = np.pad(box, 1, constant_values=True)
        return bool((padded & ~reach_from_border(padded)).any())
    raise ValueError(feature)


def _where(mask: Array) -> str:
    """The grid corner a mask covers (``"tl"``, ``"tr"``, ``"bl"``, ``"br"``, the first in
    that order), else ``"middle"`` when it covers one of the grid's middle cells (the one or
    two middle rows by the one or two middle columns), else ``"none"``: where a region sits
    in a lattice whose first, middle and last cells are painted.

    >>> _where(np.array([[False, False, False], [False, True, False], [False, False, False]]))
    'middle'
    """
    h, w = mask.shape
    for name, y, x in (("tl", 0, 0), ("tr", 0, w - 1), ("bl", h - 1, 0), ("br", h - 1, w - 1)):
        if mask[y, x]:
            return name
    if mask[(h - 1) // 2 : h // 2 + 1, (w - 1) // 2 : w // 2 + 1].any():
        return "middle"
    return "none"


def recolour_objects(
    g: Array, diagonal: bool, multicolour: bool, feature: str, table: dict[object, int]
) -> Array:
    """Paint each object by a learned table from its feature to a colour (else unchanged).

    A ``"*"`` entry is the colour of every object whose feature the table does not list.
    """
    out = g.copy()
    objects = find_objects(g, diagonal, multicolour, 0)
    for mask, key in zip(objects, object_features(g, objects, feature), strict=True):
        if key in table:
            out[mask] = table[key]
        elif "*" in table:
            out[mask] = table["*"]
    return out


def place_codes(g: Array, diagonal: bool, place: str) -> Array:
    """Each cell's place inside its object (one colour, non-zero) as a small code; -1 outside
    the objects. The key of a learned place rule (``apply_place_rule``).

    ``place``: ``"parity"`` (whether the cell's row and column are an odd number of steps
    from its object's top and left: ``2 * odd_row + odd_column``, 0 to 3) or ``"half"``
    (which side of its object's centre the cell lies on, above / on / below times left / on /
    right: ``3 * (vertical + 1) + horizontal + 1``, 0 to 8, 4 at the centre).

    >>> place_codes(np.array([[2, 2, 2], [0, 0, 0], [0, 5, 0]]), False, "parity").tolist()
    [[0, 1, 0], [-1, -1, -1], [-1, 0, -1]]
    >>> place_codes(np.array([[3], [3], [3]]), False, "half").tolist()
    [[1], [4], [7]]
    """
    codes = np.full(g.shape, -1)
    for mask in find_objects(g, diagonal, False, 0):
        top, left, bottom, right = bbox(mask)
        ys, xs = np.nonzero(mask)
        if place == "parity":
            codes[ys, xs] = (ys - top) % 2 * 2 + (xs - left) % 2
        elif place == "half":
            vertical = np.sign(2 * ys - top - bottom + 1)
            horizontal = np.sign(2 * xs - left - right + 1)
            codes[ys, xs] = 3 * (vertical + 1) + horizontal + 1
        else:
            raise ValueError(place)
    return codes


def apply_place_rule(
    g: Array, diagonal: bool, place: str, coloured: bool, table: dict[int, int]
) -> Array:
    """Repaint the cells of each object by their place in it (``place_codes``), looked up
    in a learned table (else unchanged); ``coloured``: the key is ``16 * colour + code``.

    Covers objects painted by position inside them: every other cell of a line or bar in a
    new colour (a checkerboard within the shape), the lower half of each bar recoloured.

    >>> apply_place_rule(np.array([[0, 4, 4, 4, 4]]), False, "parity", False, {1: 0}).tolist()
    [[0, 4, 0, 4, 0]]
    """
    codes = place_codes(g, diagonal, place)
    if coloured:
        codes = np.where(codes >= 0, 16 * g + codes, -1)
    out = g.copy()
    for key, colour in table.items():
        out[codes == key] = colour
    return out


def find_regions(g: Array, diagonal: bool) -> list[Array]:
    """Masks of the connected groups of background (0) cells, in reading order: the holes
    inside shapes, the spaces between lines, the open background."""
    return find_objects((g == 0).astype(g.dtype), diagonal, False, 0)


def recolour_regions(g: Array, diagonal: bool, feature: str, table: dict[object, int]) -> Array:
    """Paint each background region (``find_regions``) by a learned table from its feature
    (``object_features``) to a colour (else it stays empty)."""
    out = g.copy()
    regions = find_regions(g, diagonal)
    for mask, key in zip(regions, object_features(g, regions, feature), strict=True):
        if key in table:
            out[mask] = table[key]
    return out


def object_features(g: Array, objects: list[Array], feature: str) -> list[object]:
    """``object_feature`` of every object, plus features that compare it with the others:
    ``"rank"`` (``"max"``, ``"min"`` or ``"mid"``: whether its size is the largest, else the
    smallest, else neither, among the grid's objects) and ``"colour_touches"`` (its colour and
    the non-zero colours beside it)."""
    if feature == "rank":
        sizes = [int(m.sum()) for m in objects]
        return ["max" if n == max(sizes) else "min" if n == min(sizes) else "mid" for n in sizes]
    if feature == "colour_touches":
        return [(object_feature(g, m, "colour"), object_feature(g, m, "touches")) for m in objects]
    return [object_feature(g, m, feature) for m in objects]


MEASURES = (
    "size",
    "area",
    "height",
    "width",
    "empty",
    "colours",
    "rarity",
    "shape_count",
    "colour_count",
    *(f"count_{c}" for c in range(1, 10)),
    *(f"touch_{c}" for c in range(1, 10)),
    "top",
    "left",
    "bottom",
    "right",
)
"""Numbers a learned selector may pick an object by, most general first."""


def object_measures(g: Array, objects: list[Array], measure: str) -> Array:
    """One number per object (``MEASURES``), computed for all objects at once.

    ``"empty"``: background cells in its box; ``"colours"``: distinct colours;
    ``"rarity"``: how often its rarest colour occurs in the whole grid; ``"shape_count"`` /
    ``"colour_count"``: how many objects have its exact shape and colours / its colour set;
    ``"count_<c>"``: its cells of colour ``c``; ``"touch_<c>"``: cells of colour ``c`` outside
    it that touch it (sides or corners); the rest: cells, box area, sides of its box.
    """
    masks = np.stack(objects)
    if measure.startswith("count_"):
        return np.asarray((masks & (g == int(measure[6:]))).sum(axis=(1, 2)), dtype=int)
    if measure.startswith("touch_"):
        padded = np.pad(masks, ((0, 0), (1, 1), (1, 1)))
        h, w = g.shape
        grown = np.zeros_like(masks)
        for dy in (0, 1, 2):
            for dx in (0, 1, 2):
                grown |= padded[:, dy : dy + h, dx : dx + w]
        return np.asarray((grown & ~masks & (g == int(measure[6:]))).sum(axis=(1, 2)), dtype=int)
    if measure in ("colours", "rarity", "colour_count"):
        present = np.stack([(masks & (g == c)).any(axis=(1, 2)) for c in range(10)], axis=1)
        if measure == "colours":
            values = present.sum(axis=1)
        elif measure == "rarity":
            counts = np.bincount(g.ravel(), minlength=10)
            values = np.where(present, counts[None, :], g.size + 1).min(axis=1)
        else:
            keys = present @ (1 << np.arange(10))
            values = (keys[:, None] == keys[None, :]).sum(axis=1)
        return np.asarray(values, dtype=int)
    if measure == "shape_count":
        shapes = [shape_key(g, m) for m in objects]
        return np.array([shapes.count(k) for k in shapes], dtype=int)
    size = masks.sum(axis=(1, 2))
    if measure == "size":
        return np.asarray(size, dtype=int)
    rows = np.asarray(masks.any(axis=2))
    cols = np.asarray(masks.any(axis=1))
    top, left = rows.argmax(axis=1), cols.argmax(axis=1)
    bottom = rows.shape[1] - rows[:, ::-1].argmax(axis=1)
    right = cols.shape[1] - cols[:, ::-1].argmax(axis=1)
    area = (bottom - top) * (right - left)
    simple = {"area": area, "height": bottom - top, "width": right - left}
    simple |= {"empty": area - size, "top": top, "left": left, "bottom": bottom, "right": right}
    if measure not in simple:
        raise ValueError(measure)
    return np.asarray(simple[measure], dtype=int)


def selected_object(g: Array, diagonal: bool, multicolour: bool, measure: str, most: bool) -> Array:
    """The mask of the one object with the most (or least) of a measure (``object_measures``).

    Fewer than two objects, or a tie, raise.
    """
    objects = find_objects(g, diagonal, multicolour, 0)
    if len(objects) < 2:
        raise ValueError("fewer than two objects")
    values = object_measures(g, objects, measure)
    best = values.max() if most else values.min()
    hits = np.flatnonzero(values == best)
    if len(hits) != 1:
        raise ValueError("tie")
    return objects[int(hits[0])]


def crop_selected(
    g: Array, diagonal: bool, multicolour: bool, measure: str, most: bool, alone: bool
) -> Array:
    """Crop to the object ``selected_object`` picks; ``alone``: other cells in its box
    become 0."""
    mask = selected_object(g, diagonal, multicolour, measure, most)
    top, left, bottom, right = bbox(mask)
    box = np.where(mask, g, 0) if alone else g
    return box[top:bottom, left:right]


def selected_colour(g: Array, diagonal: bool, multicolour: bool, measure: str, most: bool) -> Array:
    """A 1 x 1 grid of the most common colour of the object ``selected_object`` picks."""
    mask = selected_object(g, diagonal, multicolour, measure, most)
    counts = np.bincount(g[mask], minlength=10)
    return np.array([[int(counts.argmax())]], dtype=g.dtype)


def paint_from_nearest(g: Array, colours: tuple[int, ...]) -> Array:
    """Paint every cell of ``colours`` with the colour of the nearest cell (fewest steps
    along rows and columns) that is non-zero and of another colour. Raises when a cell has
    two such nearest colours, or there is none."""
    targets = np.isin(g, colours)
    sources = (g != 0) & ~targets
    if not targets.any() or not sources.any():
        raise ValueError("nothing to paint, or nothing to paint from")
    ty, tx = np.nonzero(targets)
    sy, sx = np.nonzero(sources)
    dist = np.abs(ty[:, None] - sy[None, :]) + np.abs(tx[:, None] - sx[None, :])
    nearest = dist == dist.min(axis=1, keepdims=True)
    found = np.where(nearest, g[sy, sx][None, :], -1)
    colour = found.max(axis=1)
    if np.any(np.where(nearest, found, colour[:, None]) != colour[:, None]):
        raise ValueError("two nearest colours")
    out = g.copy()
    out[ty, tx] = colour
    return out


def paint_from_sight(g: Array, colours: tuple[int, ...], direction: str) -> Array:
    """Paint every object (4-connected, one colour) of ``colours`` with the one colour its
    cells see first looking ``direction`` (``"up"``, ``"down"``, ``"left"``, ``"right"``),
    looking past cells of ``colours``. Raises when an object sees no colour, or two."""
    seen = seen_along(np.where(np.isin(g, colours), 0, g))[direction]
    out = g.copy()
    painted = False
    for mask in find_objects(g, False, False, 0):
        if int(g[mask][0]) not in colours:
            continue
        values = np.unique(seen[mask])
        values = values[values != 0]
        if len(values) != 1:
            raise ValueError("an object sees no colour, or two")
        out[mask] = values[0]
        painted = True
    if not painted:
        raise ValueError("nothing to paint")
    return out


def mask_key(mask: Array) -> bytes:
    """The object's shape alone (the cells it fills in its box), as bytes."""
    top, left, bottom, right = bbox(mask)
    box = mask[top:bottom, left:right]
    return bytes(str(box.shape), "ascii") + box.tobytes()


def stamp_template(g: Array) -> Array:
    """Paint every one-colour object with the colours of the template of its shape: a
    many-coloured object (4-connected) whose cells fill exactly the same places in its box.

    One-colour objects that no template matches stay. Raises when nothing changes, or two
    templates of one shape differ.
    """
    objects = find_objects(g, False, True, 0)
    templates: dict[bytes, Array] = {}
    for mask in objects:
        if len(np.unique(g[mask])) > 1:
            key = mask_key(mask)
            if key in templates and not np.array_equal(templates[key], g[mask]):
                raise ValueError("two templates of one shape differ")
            templates[key] = g[mask]
    out = g.copy()
    for mask in objects:
        key = mask_key(mask)
        if len(np.unique(g[mask])) == 1 and key in templates:
            out[mask] = templates[key]  # both in reading order within the same shape
    if np.array_equal(out, g):
        raise ValueError("nothing to stamp")
    return out


def template_poses(t: Array, turns: bool) -> list[Array]:
    """The template ``t`` (-1 off its cells) at scales 1, 2 and 3, as it is or, with
    ``turns``, in each of its distinct turns and mirrors (scale 1 first, as it is first).

    >>> [p.shape for p in template_poses(np.array([[1, 2]]), turns=False)]
    [(1, 2), (2, 4), (3, 6)]
    >>> len(template_poses(np.array([[1, 2]]), turns=True))
    12
    """
    shapes = [t]
    if turns:
        shapes = [np.rot90(t, k) for k in range(4)] + [np.rot90(t.T, k) for k in range(4)]
    distinct: dict[bytes, Array] = {}
    for s in shapes:
        distinct.setdefault(bytes(str(s.shape), "ascii") + s.tobytes(), s)
    one = np.ones((1, 1), dtype=t.dtype)
    return [
        np.kron(s, np.repeat(np.repeat(one, k, 0), k, 1))
        for k in (1, 2, 3)
        for s in distinct.values()
    ]


def template_placement(
    g: Array, pose: Array, oy: int, ox: int, free: Array, colour: int, bg: int
) -> tuple[Array, Array] | None:
    """Where ``pose`` placed with its top-left cell at (``oy``, ``ox``) matches ``g``, and
    what it paints: the matched cells (a mask over ``g``) and the painted colours (-1 where
    it paints nothing), or None when the placement does not fit.

    It fits when every cell of ``colour`` in the pose lies on that colour in ``g`` (the
    evidence), its other cells lie on their colour or on ``bg`` (cells off the grid are left
    out), the rest of its box is ``bg``, the cells it matches are ``free`` (of no template),
    and it paints at least one cell.
    """
    h, w = g.shape
    ph, pw = pose.shape
    top, left = max(oy, 0), max(ox, 0)
    bottom, right = min(oy + ph, h), min(ox + pw, w)
    if top >= bottom or left >= right:
        return None
    win = g[top:bottom, left:right]
    p = pose[top - oy : bottom - oy, left - ox : right - ox]
    if int(np.count_nonzero(p == colour)) != int(np.count_nonzero(pose == colour)):
        return None  # some evidence lies off the grid
    cells = p >= 0
    same = cells & (win == p)
    if not np.all(same | (win == bg)) or not np.all(same[p == colour]):
        return None
    if not free[top:bottom, left:right][same].all():
        return None
    paint = cells & ~same
    if not paint.any():
        return None
    matched = np.zeros(g.shape, dtype=bool)
    layer = np.full(g.shape, -1, dtype=g.dtype)
    matched[top:bottom, left:right] = same
    layer[top:bottom, left:right] = np.where(paint, p, -1)
    return matched, layer


def complete_templates(g: Array, turns: bool) -> Array:
    """Complete every partial copy of a template: the many-coloured objects (8-connected)
    with the most colours are the templates; elsewhere, wherever all the cells of one of a
    template's colours appear in its layout (as it is or, with ``turns``, turned or mirrored;
    at scale 1, 2 or 3), with only background on the template's other places and its box,
    the template's missing cells are painted. Covers the ARC pattern "a complete figure and
    scattered pieces of it (its centre, its corners, its markers, maybe larger): draw the
    figure around each piece".

    A placement must match whole pieces (8-connected objects of fewer colours); those that
    match the most cells go first; a cell is evidence for one placement only, and placements
    that match the same cells but paint differently are left out.
    Raises when there is no template, more than four, or nothing to paint.

    >>> g = np.array([[1, 2, 1, 0, 0], [0, 0, 0, 0, 0], [0, 0, 0, 2, 0]])
    >>> complete_templates(g, turns=False).tolist()
    [[1, 2, 1, 0, 0], [0, 0, 0, 0, 0], [0, 0, 1, 2, 1]]
    """
    bg = int(np.bincount(g.ravel(), minlength=10).argmax())
    objects = find_objects(g, True, True, bg)
    counts = [len(np.unique(g[m])) for m in objects]
    most = max(counts, default=0)
    if most < 2:
        raise ValueError("no many-coloured template")
    free = np.ones(g.shape, dtype=bool)
    templates: dict[bytes, Array] = {}
    pieces = [m for m, n in zip(objects, counts, strict=True) if n < most]
    for mask, n in zip(objects, counts, strict=True):
        if n == most:
            free &= ~mask
            top, left, bottom, right = bbox(mask)
            t = np.where(mask, g, -1)[top:bottom, left:right]
            templates.setdefault(bytes(str(t.shape), "ascii") + t.tobytes(), t)
    if len(templates) > 4:  # then the many-coloured objects are the picture, not figures
        raise ValueError("too many templates")
    found: dict[bytes, list[tuple[int, Array, Array]]] = {}
    pad = 3 * max(max(t.shape) for t in templates.values())  # no evidence off the grid
    evidence = np.pad(np.where(free, g, -1), pad, constant_values=-1)
    order = 0
    for t in templates.values():
        for pose in template_poses(t, turns):
            if pose.shape[0] > g.shape[0] or pose.shape[1] > g.shape[1]:
                continue
            tried: set[tuple[int, int]] = set()
            for colour in np.unique(pose[pose >= 0]).tolist():
                cy, cx = np.nonzero(pose == colour)
                ay, ax = int(cy[0]), int(cx[0])
                ys, xs = np.nonzero((g == colour) & free)
                # keep the anchors where every cell of ``colour`` in the pose finds its colour
                ok = np.ones(len(ys), dtype=bool)
                for dy, dx in zip((cy - ay).tolist(), (cx - ax).tolist(), strict=True):
                    ok &= evidence[ys + dy + pad, xs + dx + pad] == colour
                for y, x in zip(ys[ok].tolist(), xs[ok].tolist(), strict=True):
                    if (y - ay, x - ax) in tried:
                        continue
                    tried.add((y - ay, x - ax))
                    fit = template_placement(g, pose, y - ay, x - ax, free, colour, bg)
                    if fit is not None and all(
                        not (m & fit[0]).any() or not (m & ~fit[0]).any() for m in pieces
                    ):  # it matches whole pieces
                        key = fit[0].tobytes()
                        found.setdefault(key, []).append((order, *fit))
                        order += 1
    out = g.copy()
    claimed = np.zeros(g.shape, dtype=bool)
    groups = sorted(found.values(), key=lambda gr: (-int(gr[0][1].sum()), gr[0][0]))
    for group in groups:
        _, matched, layer = group[0]
        if any(not np.array_equal(other[2], layer) for other in group[1:]):
            continue  # the same cells, completed two ways
        painted = layer >= 0
        if (claimed & matched).any() or np.any((out != g) & painted & (out != layer)):
            continue
        claimed |= matched
        out[painted] = layer[painted]
    if np.array_equal(out, g):
        raise ValueError("nothing to complete")
    return out


def path_cells(mask: Array) -> list[tuple[int, int]] | None:
    """The cells of a one-cell-wide path of 4-connected cells, from the end that comes first
    in reading order to the other, or None when ``mask`` is not such a path (a cell with
    three or more neighbours, a loop, fewer than two cells).

    >>> path_cells(np.array([[1, 1, 0], [0, 1, 1]], dtype=bool))
    [(0, 0), (0, 1), (1, 1), (1, 2)]
    """
    cells = {(int(y), int(x)) for y, x in np.argwhere(mask)}
    if len(cells) < 2:
        return None
    links = {
        (y, x): [c for c in ((y - 1, x), (y + 1, x), (y, x - 1), (y, x + 1)) if c in cells]
        for y, x in cells
    }
    ends = sorted(c for c, near in links.items() if len(near) == 1)
    if len(ends) != 2 or any(len(near) > 2 for near in links.values()):
        return None
    order = [ends[0]]
    while len(order) < len(cells):
        step = [c for c in links[order[-1]] if len(order) < 2 or c != order[-2]]
        if len(step) != 1:
            return None
        order.append(step[0])
    return order


def reverse_paths(g: Array) -> Array:
    """Reverse the order of the colours along every path of many colours (a one-cell-wide,
    4-connected line of non-zero cells winding from one end to the other).

    Covers snakes of coloured beads whose sequence is read backwards. Objects that are not
    such paths stay, and so do straight ones (no turn: a mirror of the object, not a path
    followed). Raises when nothing changes.

    >>> reverse_paths(np.array([[1, 2, 0], [0, 3, 4]])).tolist()
    [[4, 3, 0], [0, 2, 1]]
    """
    out = g.copy()
    for mask in find_objects(g, False, True, 0):
        order = path_cells(mask)
        if order is None:
            continue
        ys, xs = np.array(order).T
        if len(set(ys.tolist())) == 1 or len(set(xs.tolist())) == 1:
            continue  # a straight line: no turn to follow
        out[ys, xs] = g[ys[::-1], xs[::-1]]
    if np.array_equal(out, g):
        raise ValueError("nothing changes")
    return out


def turn_objects(g: Array, how: str) -> Array:
    """Turn every one-colour object a quarter turn about its own centre, clockwise
    (``"cw"``) or anticlockwise (``"ccw"``); objects are 8-connected.

    Covers lines and shapes that each swing round in place (a bar across becomes a bar
    down through the same middle cell). Raises when an object's box is odd one way and
    even the other (no cell to turn about), a turned object leaves the grid or lands on
    another, or nothing changes.

    >>> turn_objects(np.array([[0, 0, 0], [3, 3, 3], [0, 0, 0]]), "cw").tolist()
    [[0, 3, 0], [0, 3, 0], [0, 3, 0]]
    """
    k = {"cw": -1, "ccw": 1}[how]
    h, w = g.shape
    out = np.zeros_like(g)
    for mask in find_objects(g, False, False, 0):
        top, left, bottom, right = bbox(mask)
        piece = np.rot90(np.where(mask, g, 0)[top:bottom, left:right], k)
        ph, pw = piece.shape
        # the centre (doubled) stays: top + bottom - 1 == 2 * new top + ph - 1
        y2, x2 = top + bottom - ph, left + right - pw
        if y2 % 2 or x2 % 2:
            raise ValueError("no cell to turn about")
        y, x = y2 // 2, x2 // 2
        if y < 0 or x < 0 or y + ph > h or x + pw > w:
            raise ValueError("a turned object leaves the grid")
        spot = out[y : y + ph, x : x + pw]
        if np.any((spot != 0) & (piece != 0)):
            raise ValueError("two objects land on one cell")
        spot[piece != 0] = piece[piece != 0]
    if np.array_equal(out, g):
        raise ValueError("nothing changes")
    return out
