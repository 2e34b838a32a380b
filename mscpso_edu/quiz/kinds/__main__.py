"""Print the published bank schema.

``python -m mscpso_edu.quiz.kinds > mscpso_edu/quiz/schema.json``
"""

import json

from ..bank import schema

print(json.dumps(schema(), indent=2, ensure_ascii=False))
