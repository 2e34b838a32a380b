"""The instructor's side of the course: submissions, batch grading, item analysis, student
release and LMS export.

Commands (each module registers one with :mod:`mscpso_edu.cli`):

- ``mscpso-edu submit``: :mod:`mscpso_edu.classroom.submission` (a learner hands in a quiz);
- ``mscpso-edu grade``: :mod:`mscpso_edu.classroom.grading` (grades, gradebooks, item analysis);
- ``mscpso-edu release``: :mod:`mscpso_edu.classroom.release` (a student copy without keys);
- ``mscpso-edu export``: :mod:`mscpso_edu.classroom.export` (QTI 1.2, Moodle XML, GIFT).
"""

from __future__ import annotations

__all__: list[str] = []
