"""A small trend chart as inline SVG, drawn on the server: no chart library and nothing from a CDN (the
admin's Content-Security-Policy allows only its own origin, and villages are often offline); it prints too."""
from __future__ import annotations

from decimal import Decimal

from markupsafe import Markup, escape

WIDTH, HEIGHT, PAD_X, PAD_Y = 320, 120, 34, 14


def _y(value: float, low: float, high: float) -> float:
    span = (high - low) or 1.0
    return HEIGHT - PAD_Y - (value - low) / span * (HEIGHT - 2 * PAD_Y)


def trend_svg(points: list[tuple[str, Decimal | None]], target: Decimal | None, baseline: Decimal | None,
              label: str) -> Markup:
    """Values (period, value) as a line with dots, the target as a dashed green line, the baseline grey."""
    known = [(i, float(v)) for i, (_p, v) in enumerate(points) if v is not None]
    refs = [float(r) for r in (target, baseline) if r is not None]
    numbers = [v for _i, v in known] + refs
    if not numbers:
        return Markup(f'<svg class="indicator-chart" role="img" aria-label="{escape(label)}: belum ada nilai" '
                      f'width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}">'
                      f'<text x="{WIDTH // 2}" y="{HEIGHT // 2}" text-anchor="middle" font-size="12" fill="#777">'
                      'Belum ada nilai</text></svg>')
    low, high = min(numbers + [0.0]), max(numbers)
    if high == low:
        high = low + 1
    step = (WIDTH - 2 * PAD_X) / max(len(points) - 1, 1)

    def x(i: int) -> float:
        return PAD_X + i * step

    parts = [f'<svg class="indicator-chart" role="img" aria-label="{escape(label)}" width="{WIDTH}" '
             f'height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}">',
             f'<line x1="{PAD_X}" y1="{HEIGHT - PAD_Y}" x2="{WIDTH - PAD_X}" y2="{HEIGHT - PAD_Y}" stroke="#ccc"/>']
    for value, colour, name, dash in ((target, "#2e7d32", "target", "6 4"), (baseline, "#999", "awal", "2 3")):
        if value is not None:
            y = _y(float(value), low, high)
            parts.append(f'<line class="ref-{name}" x1="{PAD_X}" y1="{y:.1f}" x2="{WIDTH - PAD_X}" y2="{y:.1f}" '
                         f'stroke="{colour}" stroke-dasharray="{dash}"/>'
                         f'<text x="{WIDTH - PAD_X + 3}" y="{y + 4:.1f}" font-size="10" fill="{colour}">{name}</text>')
    if len(known) > 1:
        line = " ".join(f"{x(i):.1f},{_y(v, low, high):.1f}" for i, v in known)
        parts.append(f'<polyline points="{line}" fill="none" stroke="#1565c0" stroke-width="2"/>')
    for i, v in known:
        parts.append(f'<circle class="point" cx="{x(i):.1f}" cy="{_y(v, low, high):.1f}" r="3.5" fill="#1565c0">'
                     f'<title>{escape(points[i][0])}: {v:g}</title></circle>')
    for i, (period, _v) in enumerate(points):
        if len(points) <= 6 or i in (0, len(points) - 1):
            parts.append(f'<text x="{x(i):.1f}" y="{HEIGHT - 1}" font-size="9" text-anchor="middle" fill="#555">'
                         f'{escape(period)}</text>')
    parts.append(f'<text x="2" y="{PAD_Y - 2}" font-size="9" fill="#555">{high:g}</text>'
                 f'<text x="2" y="{HEIGHT - PAD_Y}" font-size="9" fill="#555">{low:g}</text></svg>')
    return Markup("".join(parts))
