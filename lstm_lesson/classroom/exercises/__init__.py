"""Self-check functions for the exercises, one module per lesson.

Each check compares the learner's answer with the package's reference, term by term, and says
which term is wrong and what the likely mistake is (the deeplearning.ai style).
Every check returns a ``Feedback`` (``feedback.py``): true when the answer is right, and a message
either way, "Correct: ..." or the wrong term and the likely mistake.
"""

from .feedback import Feedback

__all__ = ["Feedback"]
