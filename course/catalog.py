"""The course's lessons in order: number, file stem and title (as in the curriculum).

Lesson NN lives in notebooks/<stem>.ipynb; its graded practice (lessons 01-13) in solutions/<stem>/<stem>.ipynb,
released to learners as exercises/<stem>/<stem>.ipynb.
"""
from dataclasses import dataclass


@dataclass(frozen=True)
class Lesson:
    number: int
    stem: str
    title: str

    @property
    def notebook(self):
        return f"notebooks/{self.stem}.ipynb"

    @property
    def has_practice(self):
        return 1 <= self.number <= 13

    @property
    def practice(self):
        """Path of the learner's practice notebook, relative to the repository root."""
        return f"exercises/{self.stem}/{self.stem}.ipynb"

    @property
    def solution(self):
        return f"solutions/{self.stem}/{self.stem}.ipynb"


LESSONS = [
    Lesson(0, "00_welcome", "Welcome"),
    Lesson(1, "01_tensors_and_requires_grad", "Tensors and requires_grad"),
    Lesson(2, "02_computational_graph", "The computational graph"),
    Lesson(3, "03_backward_and_chain_rule", "backward() and the chain rule"),
    Lesson(4, "04_vector_outputs_and_jacobians", "Vector outputs, Jacobians and broadcasting"),
    Lesson(5, "05_gradient_accumulation", "Gradient accumulation"),
    Lesson(6, "06_controlling_gradient_flow", "Controlling gradient flow"),
    Lesson(7, "07_higher_order_derivatives", "retain_graph, create_graph and higher-order derivatives"),
    Lesson(8, "08_leaves_hooks_inspection", "Leaves, hooks and inspection"),
    Lesson(9, "09_custom_functions", "Custom autograd Functions"),
    Lesson(10, "10_pitfalls_and_debugging", "Pitfalls and debugging"),
    Lesson(11, "11_training_loops", "Training loops"),
    Lesson(12, "12_build_your_own_autograd", "Build your own autograd (capstone A)"),
    Lesson(13, "13_real_data", "Real data (capstone B)"),
    Lesson(14, "14_knowledge_check", "Knowledge check"),
]


def lesson(number):
    return LESSONS[number]
