"""The MathML and SVG a post may keep: formulas and simple drawings, nothing that runs or fetches."""

from __future__ import annotations

# Presentation MathML (MathML Core) and the <semantics>/<annotation> pair KaTeX and MathJax write.
# Not <annotation-xml>, whose content is parsed as HTML, nor <maction>, nor any href: those are the ways in.
MATH_TAGS = frozenset({
    "math", "mi", "mn", "mo", "ms", "mspace", "mtext", "menclose", "merror", "mfenced", "mfrac", "mpadded",
    "mphantom", "mroot", "mrow", "msqrt", "mstyle", "mmultiscripts", "mprescripts", "none", "mover", "munder",
    "munderover", "msub", "msup", "msubsup", "mtable", "mtr", "mtd", "mlabeledtr", "semantics", "annotation",
})
_MATH_COMMON = {"dir", "displaystyle", "mathvariant", "scriptlevel", "mathsize"}
MATH_ATTRIBUTES = {
    **{tag: set(_MATH_COMMON) for tag in MATH_TAGS},
    "math": _MATH_COMMON | {"display", "alttext"},
    "mo": _MATH_COMMON | {"fence", "form", "largeop", "lspace", "rspace", "stretchy", "symmetric", "separator",
                          "accent", "movablelimits", "minsize", "maxsize"},
    "mfrac": _MATH_COMMON | {"linethickness"},
    "mspace": _MATH_COMMON | {"width", "height", "depth"},
    "mpadded": _MATH_COMMON | {"width", "height", "depth", "lspace", "voffset"},
    "menclose": _MATH_COMMON | {"notation"},
    "mfenced": _MATH_COMMON | {"open", "close", "separators"},
    "mover": _MATH_COMMON | {"accent"},
    "munder": _MATH_COMMON | {"accentunder"},
    "munderover": _MATH_COMMON | {"accent", "accentunder"},
    "mtable": _MATH_COMMON | {"columnalign", "rowalign", "columnspacing", "rowspacing", "columnlines", "rowlines",
                              "frame"},
    "mtr": _MATH_COMMON | {"columnalign", "rowalign"},
    "mtd": _MATH_COMMON | {"columnalign", "rowalign", "columnspan", "rowspan"},
    "annotation": {"encoding"},
}

# Shapes and text only: no <a>, <use>, <image>, <foreignObject>, <style>, <script>, animation or filters,
# which link, load, run, or hold HTML; no event handler, href or style attribute.
SVG_TAGS = frozenset({"svg", "g", "path", "circle", "ellipse", "line", "polyline", "polygon", "rect", "text", "tspan"})
_SVG_PAINT = {"fill", "stroke", "stroke-width", "stroke-linecap", "stroke-linejoin", "stroke-dasharray", "opacity",
              "fill-opacity", "stroke-opacity", "fill-rule", "transform"}
SVG_ATTRIBUTES = {
    "svg": _SVG_PAINT | {"viewBox", "width", "height", "preserveAspectRatio", "role", "aria-label"},
    "g": set(_SVG_PAINT),
    "path": _SVG_PAINT | {"d"},
    "circle": _SVG_PAINT | {"cx", "cy", "r"},
    "ellipse": _SVG_PAINT | {"cx", "cy", "rx", "ry"},
    "line": _SVG_PAINT | {"x1", "y1", "x2", "y2"},
    "polyline": _SVG_PAINT | {"points"},
    "polygon": _SVG_PAINT | {"points"},
    "rect": _SVG_PAINT | {"x", "y", "width", "height", "rx", "ry"},
    "text": _SVG_PAINT | {"x", "y", "dx", "dy", "text-anchor", "font-size", "font-family", "font-weight"},
    "tspan": _SVG_PAINT | {"x", "y", "dx", "dy", "text-anchor", "font-size", "font-weight"},
}
_SVG_ONLY = frozenset(SVG_TAGS)


def svg_attribute(element: str, attribute: str, value: str) -> str | None:
    """An SVG attribute's value, or None to drop it: paint given as url(...) could load a remote resource."""
    if element in _SVG_ONLY and "url" in value.lower():
        return None
    return value
