"""Self-check functions for the exercises, one module per lesson.

Each check compares the learner's answer with the package's reference, term by term, and says
which term is wrong and what the likely mistake is (the deeplearning.ai style).
"""
