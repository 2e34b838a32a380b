"""mscpso-edu: an interactive course on MSCs and the immune cells of psoriasis.

The package carries the course's science as data (:mod:`mscpso_edu.knowledge`), its simulations
(:mod:`mscpso_edu.models`), figures (:mod:`mscpso_edu.diagrams`), explorers
(:mod:`mscpso_edu.widgets`), quizzes (:mod:`mscpso_edu.quiz`) and command line
(:mod:`mscpso_edu.cli`).
"""

__version__ = "0.1.0"
__all__ = ["__version__"]
