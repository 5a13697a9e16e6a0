"""Course tooling around minigrad: graph drawing (course.graph), the typed-expression parser
(course.expressions) and the interactive widgets (course.widgets)."""
