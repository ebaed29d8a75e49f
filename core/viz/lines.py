"""The lines view of attention (as bertviz draws it): input characters in a row on top, output
characters below, and a line from each output character to each input character it looks at, wider
and darker the more weight it puts there. A pure function of a Translation -> SVG markup.

An SVG and not a Plotly figure because hovering an output character highlights its lines: the
others turn grey and the input characters show its weights. Plotly restyles nothing on hover without
JavaScript of our own, while SVG does it with CSS (the <style> inside the markup, so the picture is
the same wherever it is shown). Each output character is one group (<g class="col">) holding its
lines, its letter and its weight labels; `:hover` on the group and `:has()` on the picture do the rest.

Wrong output characters are red, as on the heatmap; a blank output position is drawn as '␣' and
named "a blank" in its tooltip. With one output character selected (the page's picker, or a click,
which ui.attention_views reports), its lines stay highlighted while nothing is hovered.
Every piece of a user's text is escaped (style.shown_char, style.blank_or_char), so the markup can be
set as HTML safely.
"""
import numpy as np

from core.viz.style import LINE_RGB, TICK_COLOR, WRONG_COLOR, blank_or_char, shown_char

MIN_WEIGHT = 0.03                 # lighter weights draw no line, so the picture stays readable
GREY_RGB = "150, 150, 150"
HIGHLIGHT_FILL = "rgba(8, 81, 156, 0.15)"   # behind the hovered or selected output character
MARGIN_PX = 10

# Lines in colour; while an output character is hovered (or, with none hovered, selected) the others'
# lines turn a faint grey and its weight labels show above the input characters.
_CSS = f"""
.ln {{ stroke: rgb({LINE_RGB}); stroke-opacity: var(--o); stroke-linecap: round; }}
svg.picked-one .col:not(.picked) .ln, svg:has(.col:hover) .col:not(:hover) .ln {{
  stroke: rgb({GREY_RGB}); stroke-opacity: calc(var(--o) * 0.3); }}
svg:has(.col:hover) .col:hover .ln {{ stroke: rgb({LINE_RGB}); stroke-opacity: var(--o); }}
.hit {{ fill: transparent; }}
.col {{ cursor: pointer; }}
.col:hover .hit, svg:not(:has(.col:hover)) .col.picked .hit {{ fill: {HIGHLIGHT_FILL}; }}
.w {{ visibility: hidden; fill: rgb({LINE_RGB}); font-weight: 600; }}
.col:hover .w, svg:not(:has(.col:hover)) .col.picked .w {{ visibility: visible; }}
text {{ font-family: monospace; text-anchor: middle; }}
"""


def lines_height(width):
    """The picture's height for a width: flatter in a wide window, never under 220 px."""
    return int(min(340, max(220, 0.36 * width)))


def attention_lines(result, selected=None, width=700):
    """Lines view of a Translation, `width` px wide, as SVG markup; ``selected`` (an output index)
    keeps that character's lines highlighted while no other is hovered."""
    weights = np.asarray(result.attention, dtype=float)
    T, S = weights.shape
    outputs = result.prediction[:T].ljust(T)
    wrong = getattr(result, "wrong", None) or [False] * T
    height = lines_height(width)
    font = int(min(18, max(10, 0.9 * (width - 2 * MARGIN_PX) / (S + 1))))
    small = max(8, int(font * 0.6))
    cell = (width - 2 * MARGIN_PX) / S
    x_in = MARGIN_PX + (np.arange(S) + 0.5) * cell
    x_out = np.linspace(x_in[0], x_in[-1], T) if T > 1 else np.array([width / 2])
    y_in, y_weight = MARGIN_PX + font, MARGIN_PX + font + small + 4   # baselines: input row, its weights
    y_out = height - MARGIN_PX
    top, bottom = y_weight + 4, y_out - font - 4                         # where lines start and end

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="lines{" picked-one" if selected is not None else ""}"'
             f' width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img"'
             f' aria-label="attention as lines">', f"<style>{_CSS}</style>"]
    for s, char in enumerate(result.text):
        parts.append(f'<text class="in" x="{x_in[s]:.1f}" y="{y_in}" font-size="{font}" fill="{TICK_COLOR}">'
                     f"{shown_char(char)}<title>input {s + 1}: {blank_or_char(char)}</title></text>")
    for t in range(T):
        parts.append(_column(t, outputs[t], weights[t], result.text, bool(wrong[t]) if t < len(wrong) else False,
                             t == selected, x_out[t], x_in, (top, bottom, y_out, y_weight), font, small))
    parts.append("</svg>")
    return "".join(parts)


def _column(t, char, row, text, wrong, picked, x, x_in, ys, font, small):
    """One output character's group: a tooltip, its lines, its weight labels, its letter."""
    top, bottom, y_out, y_weight = ys
    looked_at = [s for s in np.argsort(row)[::-1][:3] if row[s] >= MIN_WEIGHT]
    tooltip = f"output {t + 1}: {blank_or_char(char)}" + (" (wrong)" if wrong else "")   # escaped
    if looked_at:
        tooltip += ", looks at " + ", ".join(f"{blank_or_char(text[s])} {row[s]:.2f}" for s in looked_at)
    parts = [f'<g class="col{" picked" if picked else ""}" data-t="{t}"><title>{tooltip}</title>']
    for s in np.flatnonzero(row >= MIN_WEIGHT):
        w = float(min(row[s], 1.0))
        parts.append(f'<line class="ln" x1="{x:.1f}" y1="{bottom:.1f}" x2="{x_in[s]:.1f}" y2="{top:.1f}"'
                     f' stroke-width="{1 + 7 * w:.2f}" style="--o: {0.2 + 0.8 * w:.2f}"/>')
        parts.append(f'<text class="w" x="{x_in[s]:.1f}" y="{y_weight}" font-size="{small}">'
                     f'{f"{w:.2f}".lstrip("0")}</text>')   # ".92": fits under one character
    size = font * 1.6
    parts.append(f'<rect class="hit" x="{x - size / 2:.1f}" y="{y_out - font * 1.2:.1f}" width="{size:.1f}"'
                 f' height="{size:.1f}" rx="3"/>')
    parts.append(f'<text class="out{" wrong" if wrong else ""}" x="{x:.1f}" y="{y_out}" font-size="{font}"'
                 f' fill="{WRONG_COLOR if wrong else TICK_COLOR}">{shown_char(char)}</text></g>')
    return "".join(parts)

