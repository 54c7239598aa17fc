"""The dashboard's charts, drawn on the server with matplotlib's object API (never pyplot, which
keeps state between requests) as SVG, from figures that have already passed suppression: a
hidden point is simply not drawn, and its row in the data table beside the chart says why. The
pages show each as an <img>, so the SVG's own <style> never meets the page's CSP."""

import io

from django.utils.translation import gettext as _
from matplotlib import rc_context
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from .dashboard import OutcomeLine, Series

INK, ACCENT, MUTED = "#1f2933", "#1d4ed8", "#9aa5b1"


def _figure() -> tuple[Figure, Axes]:
    figure = Figure(figsize=(6.4, 2.8), dpi=100, layout="constrained")
    axes = figure.add_subplot()
    axes.spines[["top", "right"]].set_visible(False)
    axes.tick_params(colors=INK, labelsize=8)
    return figure, axes


def _svg(figure: Figure) -> bytes:
    out = io.BytesIO()
    # No date in the metadata and a fixed id salt: the same figures give the same file.
    with rc_context({"svg.hashsalt": "revans"}):
        figure.savefig(out, format="svg", metadata={"Date": None})
    return out.getvalue()


def series_svg(s: Series) -> bytes:
    figure, axes = _figure()
    shown = s.shown
    labels = [label for label, _value in shown]
    values = [float(value) for _label, value in shown]
    if shown:
        axes.bar(range(len(values)), values, color=ACCENT, width=0.6)
        axes.set_xticks(range(len(labels)), labels, rotation=30, ha="right")
    else:
        axes.text(0.5, 0.5, _("Nothing to show yet"), ha="center", va="center", color=MUTED)
        axes.set_xticks([])
    # The climate is scored 1 to 7; every other mean 1 to 5.
    top = 7 if s.name == "climate" else 5
    axes.set_ylim(0, 100 if s.percent else top)
    axis = "%" if s.percent else _("mean, 1 to %(top)s") % {"top": top}
    axes.set_ylabel(axis, fontsize=8)
    axes.set_title(s.title, fontsize=10, color=INK, loc="left")
    return _svg(figure)


def outcomes_svg(lines: list[OutcomeLine]) -> bytes:
    """Each outcome's rate on the programme beside the baseline's, with the Wilson intervals."""
    figure, axes = _figure()
    drawn = 0
    for n, line in enumerate(lines):
        for offset, rate, colour in ((-0.15, line.rate, ACCENT), (0.15, line.baseline, MUTED)):
            if rate is None:
                continue
            value = rate.value * 100
            axes.errorbar(
                n + offset,
                value,
                yerr=[[value - rate.low * 100], [rate.high * 100 - value]],
                fmt="o",
                color=colour,
                capsize=4,
            )
            drawn += 1
    axes.set_xticks(range(len(lines)), [line.label for line in lines])
    axes.set_xlim(-0.6, len(lines) - 0.4)
    axes.set_ylim(0, 100)
    # xgettext:no-python-format
    axes.set_ylabel(_("% of people (95 % interval)"), fontsize=8)
    title = _("Career outcomes: programme (blue) and baseline (grey)")
    axes.set_title(title, fontsize=10, loc="left")
    if not drawn:
        axes.text(1, 50, _("Nothing to show yet"), ha="center", color=MUTED)
    return _svg(figure)
