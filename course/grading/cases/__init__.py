"""Hidden cases of the practice exercises: one module per lesson, `lessonNN.py`, imported on the first
`check("NN.k", ...)`.

Each exercise is a function decorated with `@exercise("NN.k", returns=..., hint=...)` that yields `Case`s. Compute
every expected value in the module with minigrad (or numpy), never paste a gradient in, except the curriculum's
worked numbers. Cases with the same label share one call of the learner's function, so a returned tuple can be
checked part by part (`what=`, `key=`), each part with the hint for the mistake that breaks it.
"""
