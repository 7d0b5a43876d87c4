"""Build the classroom's files from the notebooks and the package: the top of the package.

May import: everything below (core/, experiments/, classroom/).

    cli.py        the `lstm-lesson` command: lab, reset, student, teacher, slides, handouts, assets, timings
    workspace.py  the learner's own copy of the lessons (lab, reset)
    editions.py   where the lessons are; how cells are marked; the student and teacher editions
    slides.py     offline reveal.js decks (lstm-lesson slides)
    handouts.py   one PDF per deck, printed by headless Chromium (lstm-lesson handouts)
    assets.py     the diagrams as SVG and PNG for handouts (lstm-lesson assets)
    timings.py    seconds per cell of each lesson, for the teacher's guide (lstm-lesson timings)
"""
