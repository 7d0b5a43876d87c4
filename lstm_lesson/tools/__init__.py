"""Build the classroom's files from the notebooks and the package: the top of the package.

May import: everything below (core/, experiments/, classroom/).

    slides.py   offline reveal.js decks (python -m lstm_lesson.tools.slides)
    assets.py   the diagrams as SVG and PNG for handouts (python -m lstm_lesson.tools.assets)
"""
