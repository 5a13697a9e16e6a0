"""Knowledge-check quiz: one question at a time, feedback and explanation after each answer, final score.

`Quiz` is the state (answers are checked here, in Python); `quiz()` the widget. The questions live in
course/data/quiz.json, each tagged with the lesson it checks; tests/test_course_quiz.py runs code for
every question to confirm its claims in minigrad (and in PyTorch when installed).

    q = Quiz.from_file()
    q.progress()        # 'Question 1 of 34'
    q.answer(2)         # Feedback(correct=True, ...)
    q.next()
"""
import html
import json
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Question", "Feedback", "Quiz", "QuizView", "quiz", "load_questions", "QUIZ_FILE", "PICK_FIRST"]

QUIZ_FILE = Path(__file__).resolve().parent.parent / "data" / "quiz.json"
PICK_FIRST = "Pick an answer first, then press Check."


@dataclass(frozen=True)
class Question:
    question: str
    choices: tuple
    correct: int
    explanation: str
    lesson: str = ""
    id: str = ""


@dataclass(frozen=True)
class Feedback:
    correct: bool
    chosen: int
    right_choice: str
    explanation: str

    def verdict(self):
        """The first sentence: right or wrong, and the right answer when it was missed."""
        if self.correct:
            return "Correct!"
        return f"Not quite. The answer is: {_sentence(self.right_choice)}"

    def text(self):
        """Verdict and explanation as two paragraphs."""
        return f"{self.verdict()}\n{self.explanation}"


def _sentence(text):
    text = text.strip()
    return text if text.endswith((".", "!", "?", ")", '"')) else text + "."


def load_questions(path=QUIZ_FILE):
    """Questions from a JSON file ({"questions": [{question, choices, correct, explanation}, ...]}), checked."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    questions = []
    for i, item in enumerate(data["questions"]):
        choices = tuple(item["choices"])
        correct = item["correct"]
        if len(choices) < 2 or not isinstance(correct, int) or not 0 <= correct < len(choices):
            raise ValueError(f"quiz question {i + 1}: 'correct' must index one of its {len(choices)} choices")
        questions.append(Question(item["question"], choices, correct, item["explanation"], item.get("lesson", ""),
                                  item.get("id", "")))
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
    """Question, choices as radio buttons, Check and Next buttons, feedback and running score.

    Once a question is answered the radio buttons give way to a review of the choices: the right one marked in
    green, a wrong pick in red. Check with nothing picked says so.
    """

    def __init__(self, state):
        import ipywidgets as w
        self.state, self._w = state, w
        self.header = w.HTML()
        self.choices = w.RadioButtons(options=[], layout=w.Layout(width="auto"))
        self.review = w.HTML()
        self.review.add_class("course-quiz-review")
        self.check = w.Button(description="Check", button_style="primary")
        self.next = w.Button(description="Next")
        self.restart = w.Button(description="Start again")
        self.feedback = w.HTML()
        self.feedback.add_class("course-quiz-feedback")
        self.score = w.HTML()
        self.check.on_click(lambda _: self.on_check())
        self.next.on_click(lambda _: self.on_next())
        self.restart.on_click(lambda _: (self.state.restart(), self.refresh()))
        self.widget = w.VBox([self.header, self.choices, self.review, w.HBox([self.check, self.next, self.restart]),
                              self.feedback, self.score])
        self.widget.add_class("course-quiz")
        self.refresh()

    def on_check(self):
        if self.state.answered:
            return
        if self.choices.index is None:
            self.feedback.value = f'<div style="color:#8a4b00">{html.escape(PICK_FIRST)}</div>'
            return
        self.state.answer(self.choices.index)
        self.refresh()

    def on_next(self):
        self.state.next()
        self.refresh()

    def refresh(self):
        s, q = self.state, self.state.current
        lesson = f" (lesson {html.escape(q.lesson)})" if q.lesson else ""
        self.header.value = f"<b>{html.escape(s.progress())}</b>{lesson}<p>{html.escape(q.question)}</p>"
        options = list(q.choices)
        if list(self.choices.options) != options:
            self.choices.options = options
        chosen = s.answers[s.position]
        self.choices.value = None if chosen is None else options[chosen]
        self.choices.layout.display = "none" if s.answered else None
        self.review.layout.display = None if s.answered else "none"
        self.review.value = review_html(q, chosen) if s.answered else ""
        self.check.disabled = s.answered
        self.next.disabled = not s.answered or s.position + 1 == len(s.questions)
        fb = s.feedback()
        self.feedback.value = "" if fb is None else feedback_html(fb)
        self.score.value = html.escape(s.summary())

    def _repr_mimebundle_(self, include=None, exclude=None):
        bundle = self.widget._repr_mimebundle_()
        items = "".join(f"<li>{html.escape(q.question)}</li>" for q in self.state.questions)
        bundle["text/html"] = f"<p>Quiz ({len(self.state.questions)} questions; run the notebook to answer):</p>" \
                              f"<ol>{items}</ol>"
        bundle["text/plain"] = f"Quiz: {len(self.state.questions)} questions (run the notebook to answer them)"
        return bundle


def review_html(question, chosen):
    """The choices after answering: the right one green with a tick, a wrong pick red with a cross."""
    rows = []
    for i, choice in enumerate(question.choices):
        if i == question.correct:
            mark, style, note = "✓", "background:#e3f4e8;color:#1b5e20;font-weight:bold", " (right answer)"
        elif i == chosen:
            mark, style, note = "✗", "background:#fbe4e6;color:#b00020;text-decoration:line-through", " (your pick)"
        else:
            mark, style, note = "", "color:#555", ""
        cls = "course-quiz-right" if i == question.correct else ("course-quiz-wrong" if i == chosen else "")
        rows.append(f'<div class="{cls}" style="{style};padding:2px 6px;margin:2px 0;border-radius:3px">'
                    f'<span style="display:inline-block;width:1.2em">{mark}</span>{html.escape(choice)}{note}</div>')
    return "".join(rows)


def feedback_html(feedback):
    color = "#1b7f3b" if feedback.correct else "#b00020"
    return (f'<div style="color:{color};font-weight:bold">{html.escape(feedback.verdict())}</div>'
            f'<div style="margin-top:4px">{html.escape(feedback.explanation)}</div>')


def quiz(path=QUIZ_FILE):
    return QuizView(Quiz.from_file(path))
