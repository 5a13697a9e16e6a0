"""Hidden cases of the practice exercises: one module per lesson, `lessonNN.py`, imported on the first
`check("NN.k", ...)`. Models: lesson01.py and lesson03.py with solutions/01_*/ and solutions/03_*/.

A practice notebook, solutions/<stem>/<stem>.ipynb (nbgrader's source; exercises/<stem>/ is released from it by
`make exercises`), is: an intro (title, link back to ../../notebooks/<stem>.ipynb, how to work it); a locked
`setup` cell importing minigrad as torch and `check`; then per exercise NN.k a locked task cell `task_NN_k`, a
solution cell `answer_NN_k` (a function whose body sits between ### BEGIN SOLUTION / ### END SOLUTION) and a
locked grade cell `check_NN_k` with points and the source `check("NN.k", function)`; then "Done?".
tests/test_practice.py checks all of it.

Each exercise here is a function decorated with `@exercise("NN.k", returns=..., hint=...)` that yields `Case`s.
Compute every expected value with minigrad (or numpy), never paste a gradient in, except the curriculum's worked
numbers. Cases with the same label share one call of the learner's function, so a returned tuple is checked part
by part (`what=`, `key=`), each part with the hint for the mistake that breaks it; `mistakes=` maps typical wrong
values to their hints. Every exercise needs at least one typical wrong answer in tests/practice_fixtures/lessonNN.py
(`WRONG_ANSWERS = [(id, function, hint fragment), ...]`) that check() rejects with that hint.
"""
