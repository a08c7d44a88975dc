"""A small line chart of a worker's scores, drawn on the server as SVG numbers.

No JavaScript and no external library: the template draws a polyline through
the points, with the bands as pale stripes behind it.
"""

from __future__ import annotations

WIDTH, HEIGHT = 320, 180
LEFT, RIGHT, TOP, BOTTOM = 34, 12, 10, 30
BAND_FILLS = ["#eef6ee", "#fff6e5", "#fdecea", "#eef3fb"]


def history_chart(*, results, instrument) -> dict | None:
    """Coordinates for the template; None without results."""
    if not results:
        return None
    top = instrument.max_score or 1
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM

    def y(score: float) -> float:
        return round(TOP + plot_h * (1 - score / top), 1)

    count = len(results)
    dots = []
    for index, result in enumerate(results):
        x = LEFT + (plot_w / 2 if count == 1 else plot_w * index / (count - 1))
        dots.append({"x": round(x, 1), "y": y(result.score), "result": result})
    bands = []
    for index, band in enumerate(instrument.bands):
        upper, lower = (
            y(band["max"] + 1 if index < len(instrument.bands) - 1 else top),
            y(band["min"]),
        )
        bands.append(
            {
                "y": upper,
                "height": round(lower - upper, 1),
                "fill": BAND_FILLS[index % len(BAND_FILLS)],
                "title": band["title"],
            }
        )
    ticks = [{"y": y(value), "label": value} for value in (0, top // 2, top)]
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "left": LEFT,
        "right": WIDTH - RIGHT,
        "plot_width": plot_w,
        "bottom": HEIGHT - BOTTOM,
        "label_y": HEIGHT - 10,
        "points": " ".join(f"{d['x']},{d['y']}" for d in dots),
        "dots": dots,
        "bands": bands,
        "ticks": ticks,
    }
