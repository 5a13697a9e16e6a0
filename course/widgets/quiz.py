"""Knowledge-check quiz: one question at a time, feedback and explanation after each answer, final score.

`Quiz` is the state (answers are checked here, in Python); `quiz()` the widget.

    q = Quiz.from_file()
    q.progress()        # 'Question 1 of 17'
    q.answer(2)         # Feedback(correct=True, ...)
    q.next()
"""
import html
import json
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Question", "Feedback", "Quiz", "QuizView", "quiz", "load_questions", "QUIZ_FILE"]

QUIZ_FILE = Path(__file__).resolve().parent.parent / "data" / "quiz.json"


@dataclass(frozen=True)
class Question:
    question: str
    choices: tuple
    correct: int
    explanation: str
    lesson: str = ""


@dataclass(frozen=True)
class Feedback:
    correct: bool
    chosen: int
    right_choice: str
    explanation: str

    def text(self):
        head = "Correct!" if self.correct else f"Not quite. The answer is: {self.right_choice}"
        return f"{head} {self.explanation}"


def load_questions(path=QUIZ_FILE):
    """Questions from a JSON file ({"questions": [{question, choices, correct, explanation}, ...]}), checked."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    questions = []
    for i, item in enumerate(data["questions"]):
        choices = tuple(item["choices"])
        correct = item["correct"]
        if len(choices) < 2 or not isinstance(correct, int) or not 0 <= correct < len(choices):
            raise ValueError(f"quiz question {i + 1}: 'correct' must index one of its {len(choices)} choices")
        questions.append(Question(item["question"], choices, correct, item["explanation"], item.get("lesson", "")))
    if not questions:
        raise ValueError("the quiz has no questions")
    return questions


class Quiz:
    """Questions in order; answer(i) once per question, next() to move on, score() at any time."""

    def __init__(self, questions):
        self.questions = list(questions)
        self.answers = [None] * len(self.questions)  # chosen index per question
        self.position = 0

    @classmethod
    def from_file(cls, path=QUIZ_FILE):
        return cls(load_questions(path))

    @property
    def current(self):
        return self.questions[self.position]

    @property
    def answered(self):
        return self.answers[self.position] is not None

    @property
    def finished(self):
        return all(a is not None for a in self.answers)

    def progress(self):
        return f"Question {self.position + 1} of {len(self.questions)}"

    def answer(self, choice):
        """Check the chosen index for the current question; a question can be answered once."""
        question = self.current
        if self.answered:
            raise ValueError(f"{self.progress()} is already answered; press Next")
        if isinstance(choice, bool) or not isinstance(choice, int) or not 0 <= choice < len(question.choices):
            raise ValueError(f"choose one of 0..{len(question.choices) - 1}, not {choice!r}")
        self.answers[self.position] = choice
        return self.feedback()

    def feedback(self):
        """Feedback for the current question once answered, else None."""
        choice = self.answers[self.position]
        if choice is None:
            return None
        q = self.current
        return Feedback(choice == q.correct, choice, q.choices[q.correct], q.explanation)

    def next(self):
        """Move to the next question; False at the end."""
        if self.position + 1 >= len(self.questions):
            return False
        self.position += 1
        return True

    def score(self):
        return sum(a == q.correct for a, q in zip(self.answers, self.questions))

    def summary(self):
        answered = sum(a is not None for a in self.answers)
        total = len(self.questions)
        if answered < total:
            return f"Score so far: {self.score()} of {answered} answered ({total - answered} to go)"
        return f"Final score: {self.score()} / {total} ({100 * self.score() / total:.0f}%)"

    def restart(self):
        self.answers = [None] * len(self.questions)
        self.position = 0


class QuizView:
    """Question, choices as radio buttons, Check and Next buttons, feedback and running score."""

    def __init__(self, state):
        import ipywidgets as w
        self.state, self._w = state, w
        self.header = w.HTML()
        self.choices = w.RadioButtons(options=[], layout=w.Layout(width="auto"))
        self.check = w.Button(description="Check", button_style="primary")
        self.next = w.Button(description="Next")
        self.restart = w.Button(description="Start again")
        self.feedback = w.HTML()
        self.score = w.HTML()
        self.check.on_click(lambda _: self.on_check())
        self.next.on_click(lambda _: self.on_next())
        self.restart.on_click(lambda _: (self.state.restart(), self.refresh()))
        self.widget = w.VBox([self.header, self.choices, w.HBox([self.check, self.next, self.restart]),
                              self.feedback, self.score])
        self.refresh()

    def on_check(self):
        if self.choices.index is None or self.state.answered:
            return
        self.state.answer(self.choices.index)
        self.refresh()

    def on_next(self):
        self.state.next()
        self.refresh()

    def refresh(self):
        s, q = self.state, self.state.current
        self.header.value = f"<b>{html.escape(s.progress())}</b><p>{html.escape(q.question)}</p>"
        options = list(q.choices)
        if list(self.choices.options) != options:
            self.choices.options = options
        self.choices.value = None if s.answers[s.position] is None else options[s.answers[s.position]]
        self.choices.disabled = s.answered
        self.check.disabled = s.answered
        self.next.disabled = not s.answered or s.position + 1 == len(s.questions)
        fb = s.feedback()
        if fb is None:
            self.feedback.value = ""
        else:
            color = "#1b7f3b" if fb.correct else "#b00020"
            self.feedback.value = f'<div style="color:{color}">{html.escape(fb.text())}</div>'
        self.score.value = html.escape(s.summary())

    def _repr_mimebundle_(self, include=None, exclude=None):
        bundle = self.widget._repr_mimebundle_()
        items = "".join(f"<li>{html.escape(q.question)}</li>" for q in self.state.questions)
        bundle["text/html"] = f"<p>Quiz ({len(self.state.questions)} questions; run the notebook to answer):</p>" \
                              f"<ol>{items}</ol>"
        bundle["text/plain"] = f"Quiz: {len(self.state.questions)} questions (run the notebook to answer them)"
        return bundle


def quiz(path=QUIZ_FILE):
    return QuizView(Quiz.from_file(path))
