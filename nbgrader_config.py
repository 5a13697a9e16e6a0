# nbgrader's settings for this course, read by nbgrader's own commands run from the repository root
# (`nbgrader generate_assignment 03_backward_and_chain_rule`, formgrader) and by course.grading (make exercises,
# make grade). One assignment per lesson: solutions/<stem>/<stem>.ipynb is released as exercises/<stem>/<stem>.ipynb.
c = get_config()  # noqa: F821 (nbgrader provides get_config)

c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "exercises"

# Re-running the solutions must not change the exercises: drop per-run cell metadata when releasing.
c.ClearOutput.remove_metadata_fields = {"collapsed", "scrolled", "execution", "ExecuteTime"}

# Autograde: seconds per cell before nbgrader interrupts it (check() stops a learner's function after 10 s).
c.Execute.timeout = 30
