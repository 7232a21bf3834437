"""Draws per-round ratios as an SVG chart, one panel per measure, with its target lines: a reader sees
at a glance which measures meet their must (red dashed line) and goal (green dashed line). Solid dots
are undisturbed rounds, hollow dots rounds where a fork was disturbed, the black bar the median of all
rounds. No plotting library: plain SVG any browser or the GitHub viewer shows.
"""
import statistics
from xml.sax.saxutils import escape

PANEL_W, PANEL_H, LEFT, TOP, GAP = 560, 110, 60, 34, 16


def write(path, panels, title):
    """panels: [(name, [(round, ratio, disturbed)], must or None, goal or None)]."""
    height = TOP + len(panels) * (PANEL_H + GAP) + 10
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{LEFT + PANEL_W + 20}" height="{height}" '
           'font-family="sans-serif" font-size="11">',
           f'<text x="{LEFT}" y="18" font-size="13" font-weight="bold">{escape(title)}</text>']
    for i, (name, points, must, goal) in enumerate(panels):
        y0 = TOP + i * (PANEL_H + GAP)
        marks = [t for t in (must, goal) if t is not None]
        values = [p[1] for p in points] + marks
        # a wild round (a fork that stalled) must not flatten the others: the axis stops at 3x the
        # median or the goal, and points above it sit on the top edge as triangles
        cap = 3 * max(([statistics.median(p[1] for p in points)] if points else []) + marks + [0.5])
        lo, hi = 0.0, min(max(values) * 1.15, cap) if values else 1.0
        rounds = sorted({p[0] for p in points}) or [0]

        def x(r):
            span = max(1, rounds[-1] - rounds[0])
            return LEFT + 20 + (r - rounds[0]) * (PANEL_W - 40) / span

        def y(v):
            return y0 + PANEL_H - (v - lo) * PANEL_H / (hi - lo)

        out.append(f'<rect x="{LEFT}" y="{y0}" width="{PANEL_W}" height="{PANEL_H}" fill="#fafafa" stroke="#ccc"/>')
        out.append(f'<text x="{LEFT + 4}" y="{y0 + 13}">{escape(name)}</text>')
        for v in (lo, hi / 2, hi):
            out.append(f'<text x="{LEFT - 6}" y="{y(v) + 4:.1f}" text-anchor="end">{v:.2f}×</text>')
        for target, colour, word in ((must, "#c62828", "must"), (goal, "#2e7d32", "goal")):
            if target is not None:
                out.append(f'<line x1="{LEFT}" x2="{LEFT + PANEL_W}" y1="{y(target):.1f}" y2="{y(target):.1f}" '
                           f'stroke="{colour}" stroke-dasharray="5,4"/>')
                out.append(f'<text x="{LEFT + PANEL_W - 4}" y="{y(target) - 3:.1f}" text-anchor="end" '
                           f'fill="{colour}">{word} {target:g}×</text>')
        if points:
            m = statistics.median(p[1] for p in points)
            out.append(f'<line x1="{LEFT + 8}" x2="{LEFT + PANEL_W - 8}" y1="{y(m):.1f}" y2="{y(m):.1f}" '
                       'stroke="#000" stroke-width="1.5" opacity="0.5"/>')
            out.append(f'<text x="{LEFT + 8}" y="{y(m) - 3:.1f}">median {m:.2f}×</text>')
        for r, v, disturbed in points:
            fill = "none" if disturbed else "#1565c0"
            tip = f'<title>round {r}: {v:.2f}×{" (disturbed)" if disturbed else ""}</title>'
            if v > hi:
                cx, top = x(r), y0 + 2
                out.append(f'<polygon points="{cx - 5:.1f},{top + 8} {cx + 5:.1f},{top + 8} {cx:.1f},{top}" '
                           f'fill="{fill}" stroke="#1565c0">{tip}</polygon>')
            else:
                out.append(f'<circle cx="{x(r):.1f}" cy="{y(v):.1f}" r="4" fill="{fill}" stroke="#1565c0">{tip}</circle>')
    out.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")
