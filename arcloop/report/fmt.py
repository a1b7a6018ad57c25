"""Short human formats for money, token counts, durations and shares, as the report prints them.

>>> money(1234.5), money(3.14159), money(0.7), money(0.01234), money(0)
('$1,234', '$3.14', '$0.70', '$0.0123', '$0')
>>> count(950), count(12_345), count(3_400_000)
('950', '12.3k', '3.4M')
>>> duration(42.0), duration(725.0), duration(7980.0)
('42 s', '12m 05s', '2h 13m')
>>> percent(0.6333)
'63.3%'

Not here: locale-aware formatting (the report is in English, with ``,`` thousands separators).
"""

from __future__ import annotations


def money(usd: float) -> str:
    """Dollars with as many digits as make sense for the amount."""
    if usd == 0:
        return "$0"
    if abs(usd) >= 100:
        return f"${usd:,.0f}"
    if abs(usd) >= 0.1:
        return f"${usd:,.2f}"
    return f"${usd:.3g}"


def count(n: float) -> str:
    """A count with a k / M suffix past four digits."""
    if abs(n) >= 1_000_000:
        return f"{n / 1_000_000:.1f}M"
    if abs(n) >= 10_000:
        return f"{n / 1_000:.1f}k"
    return f"{n:,.0f}"


def duration(seconds: float) -> str:
    """Seconds as ``42 s``, ``12m 05s`` or ``2h 13m``."""
    s = round(seconds)
    if s < 60:
        return f"{seconds:.3g} s" if seconds < 10 else f"{s} s"
    if s < 3600:
        return f"{s // 60}m {s % 60:02d}s"
    return f"{s // 3600}h {s % 3600 // 60:02d}m"


def percent(share: float) -> str:
    """A share in 0..1 as a percentage with one decimal."""
    return f"{share * 100:.1f}%"
