"""Dashboard charts: Vega-Lite specs rendered to SVG on the server by vl-convert (no JavaScript, CDN or
network in the browser). Every chart draws the noise interval with its value."""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache

import vl_convert

BAND = "noise interval (95%)"
WIDTH = 560


@lru_cache(maxsize=128)
def _render(spec_json: str) -> str:
    return vl_convert.vegalite_to_svg(json.loads(spec_json))


def render(spec: dict, title: str) -> str:
    """SVG markup of a spec, labelled for screen readers."""
    full = {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "width": WIDTH,
        "height": 220,
        "config": {"font": "sans-serif", "view": {"stroke": None}},
        **spec,
    }
    svg = _render(json.dumps(full, sort_keys=True, default=str))
    chart_id = hashlib.sha1(svg.encode()).hexdigest()[:8]
    return svg.replace(
        "<svg ", f'<svg role="img" aria-labelledby="chart-{chart_id}" preserveAspectRatio="xMinYMin meet" ', 1
    ).replace(">", f'><title id="chart-{chart_id}">{title}</title>', 1)


def trend(rows: list[dict], x: str, y_title: str) -> dict:
    """A line with its noise band; rows have x, value, ci_low, ci_high."""
    return {
        "data": {"values": rows},
        "encoding": {"x": {"field": x, "type": "temporal", "title": None}},
        "layer": [
            {
                "mark": {"type": "area", "opacity": 0.25, "color": "#4c78a8"},
                "encoding": {
                    "y": {"field": "ci_low", "type": "quantitative", "title": f"{y_title} ({BAND})"},
                    "y2": {"field": "ci_high"},
                },
            },
            {
                "mark": {"type": "line", "color": "#1f4e79"},
                "encoding": {"y": {"field": "value", "type": "quantitative"}},
            },
        ],
    }


def bars(rows: list[dict], category: str, y_title: str, sort: list[str] | None = None) -> dict:
    """Bars with error rules; rows have category, value, ci_low, ci_high."""
    x = {"field": category, "type": "nominal", "title": None, "sort": sort or "-y"}
    return {
        "data": {"values": rows},
        "encoding": {"x": x},
        "layer": [
            {
                "mark": {"type": "bar", "color": "#4c78a8"},
                "encoding": {"y": {"field": "value", "type": "quantitative", "title": f"{y_title} ({BAND})"}},
            },
            {
                "mark": {"type": "rule", "color": "#222"},
                "encoding": {
                    "y": {"field": "ci_low", "type": "quantitative", "title": f"{y_title} ({BAND})"},
                    "y2": {"field": "ci_high"},
                },
            },
        ],
    }


def heatmap(rows: list[dict]) -> dict:
    """Retention: cohort x months since signup; suppressed cells are drawn hatched-grey and labelled."""
    return {
        "data": {"values": rows},
        "height": 260,
        "encoding": {
            "x": {"field": "months_since_signup", "type": "ordinal", "title": "months since signup"},
            "y": {"field": "cohort_month", "type": "ordinal", "title": "cohort"},
        },
        "layer": [
            {
                "mark": "rect",
                "transform": [{"filter": "datum.suppressed == false"}],
                "encoding": {
                    "color": {"field": "value", "type": "quantitative", "title": "users", "scale": {"scheme": "blues"}}
                },
            },
            {"mark": {"type": "rect", "color": "#d9d9d9"}, "transform": [{"filter": "datum.suppressed == true"}]},
            {
                "mark": {"type": "text", "fontSize": 9},
                "transform": [{"filter": "datum.suppressed == true"}],
                "encoding": {"text": {"value": "suppressed"}},
            },
        ],
    }


def gauge(spent: float, limit: float) -> dict:
    """Budget gauge: epsilon spent (dark) and left (light) as one horizontal bar."""
    rows = [{"part": "spent", "epsilon": spent}, {"part": "remaining", "epsilon": max(limit - spent, 0)}]
    return {
        "data": {"values": rows},
        "height": 40,
        "width": 360,
        "mark": "bar",
        "encoding": {
            "x": {
                "field": "epsilon",
                "type": "quantitative",
                "stack": "zero",
                "title": "epsilon",
                "scale": {"domain": [0, limit]},
            },
            "color": {
                "field": "part",
                "type": "nominal",
                "scale": {"domain": ["spent", "remaining"], "range": ["#1f4e79", "#c6dbef"]},
            },
        },
    }
