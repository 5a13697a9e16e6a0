"""Graded practice: instant feedback in a notebook with `check("03.2", answer)`, and the grade command
(`python -m course.grading SUBMISSIONS`, see course/grading/grade.py).

The hidden cases of lesson NN live in course/grading/cases/lessonNN.py (how to write them: cases/__init__.py).
"""
from course.grading.checker import Case, Result, all_exercises, check, close, exercise, run_check, same, strict

__all__ = ["Case", "Result", "all_exercises", "check", "close", "exercise", "run_check", "same", "strict"]
