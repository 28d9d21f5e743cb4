"""A pet's weights as an SVG line chart, drawn on the server: no script, no chart CDN.

Built with xml.etree, so the markup is well formed and every text is escaped. Colours are
SVG presentation attributes (fill=, stroke=): the site's Content-Security-Policy forbids
inline style, and a <style> element inside the SVG would be inline style too. The numbers
are Decimals throughout, as the weights are; coordinates are rounded to a tenth of a pixel.
"""

import xml.etree.ElementTree as ET
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from markupsafe import Markup

from app.i18n import SOURCE_LANGUAGE, _, current_locale, day, ngettext
from app.weights.kilograms import FLAG_PERCENT, decimal

WIDTH, HEIGHT = 640, 300
LEFT, RIGHT, TOP, BOTTOM = 64, 616, 52, 248  # the plot area
MAX_DATE_LABELS = 6
LABEL_EVERY_POINT_UP_TO = 12  # beyond that, only the latest and the flagged are labelled
INK, MUTED, GRID, LINE, FLAG = "#212529", "#6c757d", "#dee2e6", "#0d6efd", "#b02a37"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"
TENTH = Decimal("0.1")


def day_label(value):
    """3 Mar 2025 in English; the locale's medium date in the others."""
    if str(current_locale()) == SOURCE_LANGUAGE:
        return f"{value.day} {value:%b %Y}"
    return day(value)


def _px(value):
    """A coordinate as SVG writes it: a tenth of a pixel."""
    return str(Decimal(value).quantize(TENTH))


def _nice_step(span):
    """A step of 1, 2, 2.5 or 5 times a power of ten giving about four intervals over span."""
    rough = span / 4
    power = Decimal(1).scaleb(rough.adjusted())  # the power of ten at or below rough
    for factor in (1, 2, Decimal("2.5"), 5, 10):
        if power * factor >= rough:
            return power * factor
    return power * 10


def value_ticks(values):
    """(low, high, ticks): a nice axis from at or below the lightest to at or above the heaviest."""
    lightest, heaviest = min(values), max(values)
    span = heaviest - lightest or max(lightest / 10, Decimal("0.1"))
    step = max(_nice_step(span), Decimal("0.01"))  # no finer than the weights themselves
    low = (lightest / step).to_integral_value(ROUND_FLOOR) * step
    high = (heaviest / step).to_integral_value(ROUND_CEILING) * step
    # Room around the line: no point sits on the axis, and the top one's label fits.
    if low == lightest:
        low = max(low - step, Decimal(0))
    if high == heaviest:
        high += step
    count = int((high - low) / step)
    return low, high, [low + step * i for i in range(count + 1)]


def tick_label(value, step):
    """A tick's value with as many decimals as the step needs (0, 1 or 2)."""
    places = max(0, min(2, -step.normalize().as_tuple().exponent))
    return decimal(value, places)


def date_ticks(first, last):
    """Up to MAX_DATE_LABELS days evenly spread from the first day to the last."""
    days = (last - first).days
    if days == 0:
        return [first]
    count = min(MAX_DATE_LABELS, days + 1)
    return sorted({first + (last - first) * i // (count - 1) for i in range(count)})


def _text(parent, x, y, content, size=11, anchor="middle", fill=INK, **attributes):
    element = ET.SubElement(parent, "text", {
        "x": _px(x), "y": _px(y), "font-size": str(size), "text-anchor": anchor, "fill": fill,
        **attributes,
    })
    element.text = content
    return element


def weight_chart(entries, title, chart_id):
    """The SVG of a pet's weight entries (oldest first, as weight_entries gives them), as Markup.

    ``chart_id`` makes the ids of its title and description unique on the page.
    """
    weights = [entry.weight for entry in entries]
    values = [weight.kilograms for weight in weights]
    first, last = weights[0].recorded_on, weights[-1].recorded_on
    low, high, ticks = value_ticks(values)
    step = ticks[1] - ticks[0]
    flagged = sum(entry.flagged for entry in entries)

    def x_of(when):
        if first == last:
            return Decimal(LEFT + RIGHT) / 2
        return LEFT + Decimal((when - first).days) * (RIGHT - LEFT) / (last - first).days

    def y_of(value):
        return BOTTOM - (value - low) * (BOTTOM - TOP) / (high - low)

    svg = ET.Element("svg", {
        "xmlns": "http://www.w3.org/2000/svg",
        "viewBox": f"0 0 {WIDTH} {HEIGHT}",
        "width": "100%",
        "role": "img",
        "aria-labelledby": f"{chart_id}-title {chart_id}-desc",
        "class": "weight-chart",
        "font-family": FONT,
    })
    ET.SubElement(svg, "title", {"id": f"{chart_id}-title"}).text = title
    ET.SubElement(svg, "desc", {"id": f"{chart_id}-desc"}).text = _description(
        entries, values, flagged
    )
    _text(svg, LEFT, 20, title, size=14, anchor="start", **{"font-weight": "bold"})
    _legend(svg)

    axes = ET.SubElement(svg, "g", {"class": "axes"})
    for tick in ticks:
        y = y_of(tick)
        ET.SubElement(axes, "line", {"x1": _px(LEFT), "x2": _px(RIGHT), "y1": _px(y),
                                     "y2": _px(y), "stroke": GRID, "stroke-width": "1"})
        _text(axes, LEFT - 8, y + 4, tick_label(tick, step), anchor="end", fill=MUTED)
    _text(axes, 16, (TOP + BOTTOM) / 2, _("Weight (kg)"), fill=MUTED,
          transform=f"rotate(-90 16 {_px(Decimal(TOP + BOTTOM) / 2)})")
    ET.SubElement(axes, "line", {"x1": _px(LEFT), "x2": _px(RIGHT), "y1": _px(BOTTOM),
                                 "y2": _px(BOTTOM), "stroke": MUTED, "stroke-width": "1"})
    date_days = date_ticks(first, last)
    for index, tick_day in enumerate(date_days):
        x = x_of(tick_day)
        ET.SubElement(axes, "line", {"x1": _px(x), "x2": _px(x), "y1": _px(BOTTOM),
                                     "y2": _px(BOTTOM + 5), "stroke": MUTED})
        anchor = "middle"
        if len(date_days) > 1 and index == 0:
            anchor = "start"
        elif len(date_days) > 1 and index == len(date_days) - 1:
            anchor = "end"
        _text(axes, x, BOTTOM + 20, day_label(tick_day), anchor=anchor, fill=MUTED)
    _text(axes, (LEFT + RIGHT) / 2, BOTTOM + 42, _("Date weighed"), fill=MUTED)

    points = [(x_of(w.recorded_on), y_of(w.kilograms)) for w in weights]
    if len(points) > 1:
        ET.SubElement(svg, "polyline", {
            "points": " ".join(f"{_px(x)},{_px(y)}" for x, y in points),
            "fill": "none", "stroke": LINE, "stroke-width": "2",
        })
    marks = ET.SubElement(svg, "g", {"class": "points"})
    for index, (entry, (x, y)) in enumerate(zip(entries, points, strict=True)):
        labelled = (len(entries) <= LABEL_EVERY_POINT_UP_TO or entry.flagged
                    or index == len(entries) - 1)
        _point(marks, entry, x, y, labelled)
    return Markup(ET.tostring(svg, encoding="unicode"))


def _point(parent, entry, x, y, labelled):
    """One weight: a dot, or a red diamond when flagged; its value above it; a tooltip."""
    weight = entry.weight
    group = ET.SubElement(parent, "g", {"class": "flagged" if entry.flagged else "weight"})
    kilograms, on = decimal(weight.kilograms), day_label(weight.recorded_on)
    if entry.change is None:
        tooltip = _("%(kg)s kg on %(day)s", kg=kilograms, day=on)
    elif entry.flagged:
        tooltip = _("%(kg)s kg on %(day)s, %(change)s since %(since)s (more than %(percent)d %%)",
                    kg=kilograms, day=on, change=entry.change.label,
                    since=day_label(entry.change.since), percent=FLAG_PERCENT)
    else:
        tooltip = _("%(kg)s kg on %(day)s, %(change)s since %(since)s", kg=kilograms, day=on,
                    change=entry.change.label, since=day_label(entry.change.since))
    ET.SubElement(group, "title").text = tooltip
    if entry.flagged:
        ET.SubElement(group, "path", {"d": _diamond(x, y, 7), "fill": FLAG, "stroke": "#ffffff",
                                      "stroke-width": "1.5"})
    else:
        ET.SubElement(group, "circle", {"cx": _px(x), "cy": _px(y), "r": "4", "fill": LINE,
                                        "stroke": "#ffffff", "stroke-width": "1.5"})
    if labelled:
        text = kilograms
        if entry.flagged:
            text += f" ({entry.change.label})"
        # Near either end the label leans inwards, so it is not cut off at the edge.
        anchor, shift = "middle", 0
        if x > RIGHT - 48:
            anchor, shift = "end", 6
        elif x < LEFT + 24:
            anchor, shift = "start", -6
        _text(group, x + shift, y - 11, text, size=11, anchor=anchor,
              fill=FLAG if entry.flagged else INK)


def _diamond(x, y, r):
    """An SVG path: a diamond of half-diagonal r centred on (x, y)."""
    return (f"M {_px(x)} {_px(y - r)} L {_px(x + r)} {_px(y)} L {_px(x)} {_px(y + r)} "
            f"L {_px(x - r)} {_px(y)} Z")


def _legend(svg):
    """What the dot and the diamond mean, top right."""
    legend = ET.SubElement(svg, "g", {"class": "legend"})
    ET.SubElement(legend, "circle", {"cx": "380", "cy": "36", "r": "4", "fill": LINE})
    _text(legend, 390, 40, _("weight"), anchor="start", fill=MUTED)
    ET.SubElement(legend, "path", {"d": _diamond(Decimal(450), Decimal(36), 6), "fill": FLAG})
    _text(legend, 460, 40, _("more than %(percent)d %% change", percent=FLAG_PERCENT),
          anchor="start", fill=MUTED)


def _description(entries, values, flagged):
    """What the chart shows, in a sentence, for screen readers."""
    first, last = entries[0].weight, entries[-1].weight
    if len(entries) == 1:
        return _("One weight: %(kg)s kg on %(day)s.", kg=decimal(first.kilograms),
                 day=day_label(first.recorded_on))
    if flagged:
        marked = ngettext(
            "One change of more than %(percent)d %% is flagged with a red diamond.",
            "%(num)d changes of more than %(percent)d %% are flagged with red diamonds.",
            flagged, percent=FLAG_PERCENT,
        )
    else:
        marked = _("No change of more than %(percent)d %% is flagged.", percent=FLAG_PERCENT)
    weights = _(
        "%(num)d weights from %(first)s to %(last)s: lowest %(lowest)s kg, highest %(highest)s kg, "
        "latest %(latest)s kg.", num=len(entries), first=day_label(first.recorded_on),
        last=day_label(last.recorded_on), lowest=decimal(min(values)),
        highest=decimal(max(values)), latest=decimal(last.kilograms),
    )
    return f"{weights} {marked}"
