"""Interactive widgets of the series, one module per widget.

Each widget keeps its logic in a pure function of the slider values (so tests call it directly)
and updates persistent artists or an SVG string, never re-creating figures per slider move.
"""
