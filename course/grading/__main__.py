"""python -m course.grading SUBMISSIONS: the grade command (course/grading/grade.py)."""
import sys

from course.grading.grade import main

sys.exit(main())
