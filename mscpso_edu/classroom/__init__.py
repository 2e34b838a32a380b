"""The instructor's side of the course, over :mod:`mscpso_edu.quiz` (never the other way round):
release, batch grading, hand marking, gradebooks, item analysis, LMS export and the exchange
folder.

- :mod:`~mscpso_edu.classroom.release`: the student copy without keys (``mscpso-edu release``);
- :mod:`~mscpso_edu.classroom.grading`: the grading engine; :mod:`~.gradebook`: the CSVs;
  :mod:`~.analysis`: item analysis and the HTML report; :mod:`~.marks`: hand marks of written
  answers and the marking sheet (``mscpso-edu grade``);
- :mod:`~mscpso_edu.classroom.export`: QTI 1.2, Moodle XML, GIFT (``mscpso-edu export``);
- :mod:`~mscpso_edu.classroom.exchange`: ``collect`` and ``exchange-setup``;
- :mod:`~mscpso_edu.classroom.commands`: the commands above, for :mod:`mscpso_edu.cli`.

The submission format and the released-bank format are the learner's and live in
:mod:`mscpso_edu.quiz.submission` and :mod:`mscpso_edu.quiz.released`.
"""

from __future__ import annotations

__all__: list[str] = []
