"""course.grading.check: feedback lines, limits on a runaway answer, and strict mode for nbgrader."""
import threading
import time

import numpy as np
import pytest

import minigrad as torch
from course.grading import checker, run_check
from course.grading.checker import Case, check, close, same, show


def square_grid(n):
    x = torch.arange(float(n * n)).reshape(n, n).requires_grad_()
    return x, x.sum()


@pytest.fixture(autouse=True)
def learner_mode(monkeypatch):
    """A learner's kernel: no nbgrader, no strict checks, the normal time limit."""
    for name in ("NBGRADER_EXECUTION", "COURSE_STRICT_CHECKS", "COURSE_CHECK_SECONDS"):
        monkeypatch.delenv(name, raising=False)


def test_a_right_answer_prints_one_pass_line(capsys):
    check("01.1", square_grid)
    assert capsys.readouterr().out == "✅ 01.1 passed 27/27\n"


def test_a_stub_reads_as_not_attempted(capsys):
    def square_grid(n):
        raise NotImplementedError()
    result = run_check("01.1", square_grid)
    assert result.status == "not attempted" and result.passed == 0 and result.total == 27
    check("01.1", square_grid)
    out = capsys.readouterr().out
    assert out.startswith("⬜ 01.1 not attempted yet") and out.count("\n") == 1


def test_a_wrong_value_names_input_expected_got_and_hint():
    def square_grid(n):
        x = torch.arange(float(n * n)).reshape(n, n).requires_grad_()
        return x, x.sum() * 2
    result = run_check("01.1", square_grid)
    assert result.status == "failed" and result.passed == 7
    assert result.line == ("❌ 01.1 case 8 of 27 (n = 5): expected s = 300, got tensor(600., grad_fn=<MulBackward0>). "
                           "Hint: s is the sum of every entry of x: x.sum().")


def test_an_exception_is_shown_in_one_line_with_the_learners_line():
    def square_grid(n):
        x = torch.ones(n, n, requires_grad=True)
        return x, (x @ torch.ones(n + 1)).sum()  # a shape mistake
    result = run_check("01.1", square_grid)
    assert result.status == "error" and "\n" not in result.line
    assert "case 1 of 27 (n = 5) raised RuntimeError" in result.line
    assert "of square_grid: return x, (x @ torch.ones(n + 1)).sum()" in result.line


def test_a_wrong_form_of_result_says_what_was_expected():
    result = run_check("01.1", lambda n: torch.zeros(n, n))
    assert result.status == "failed" and "expected a pair (x, s), got tensor(" in result.line


def test_passing_the_call_instead_of_the_function_is_explained():
    result = run_check("01.1", square_grid(2))
    assert result.status == "failed" and "no () after the name" in result.line and "\n" not in result.line


def test_unknown_exercise_id():
    assert run_check("1.1", square_grid).status == "unknown"
    assert run_check(None, square_grid).status == "unknown"


def test_an_endless_loop_is_stopped_even_if_it_catches_exceptions(monkeypatch):
    monkeypatch.setenv("COURSE_CHECK_SECONDS", "0.5")

    def square_grid(n):
        while True:
            try:
                time.sleep(0.01)
            except Exception:  # a learner's broad except must not swallow the stop
                pass
    start = time.monotonic()
    result = run_check("01.1", square_grid)
    assert result.status == "timeout" and "still running after 0.5 s" in result.line
    assert time.monotonic() - start < 30  # stopped, not waited out (a generous bound, not a speed goal)


def test_the_time_limit_works_outside_the_main_thread(monkeypatch):
    monkeypatch.setenv("COURSE_CHECK_SECONDS", "0.5")

    def square_grid(n):
        while True:
            pass
    results = []
    worker = threading.Thread(target=lambda: results.append(run_check("01.1", square_grid)))
    worker.start()
    worker.join(60)
    assert not worker.is_alive() and results[0].status == "timeout"


def test_the_timer_is_disarmed_after_a_check():
    import signal
    previous = signal.getsignal(signal.SIGALRM)
    run_check("01.1", square_grid)
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    assert signal.getsignal(signal.SIGALRM) is previous


def test_a_print_flood_is_stopped_and_mostly_hidden(capsys):
    def square_grid(n):
        while True:
            print("spam")
    check("01.1", square_grid)
    out = capsys.readouterr().out
    assert "printed more than 20,000 characters" in out
    assert out.count("spam") <= checker.SHOWN_LINES and "[... more printed output not shown]" in out


def test_a_learners_prints_pass_through(capsys):
    def square_grid_with_print(n):
        print("debug", n)
        return square_grid(n)
    check("01.1", square_grid_with_print)
    assert capsys.readouterr().out == "debug 5\ndebug 1\ndebug 3\n✅ 01.1 passed 27/27\n"


def test_strict_mode_raises_for_nbgrader_and_on_request(monkeypatch):
    def stub(n):
        raise NotImplementedError()
    check("01.1", stub)  # a learner: no exception
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    with pytest.raises(AssertionError, match="not attempted yet"):
        check("01.1", stub)
    check("01.1", square_grid)  # a pass never raises
    monkeypatch.delenv("NBGRADER_EXECUTION")
    monkeypatch.setenv("COURSE_STRICT_CHECKS", "1")
    with pytest.raises(AssertionError, match="unknown exercise id"):
        check("99.9", square_grid)


def test_engine_switches_and_random_state_are_restored():
    def careless(n):
        torch.set_grad_enabled(False)
        torch.manual_seed(123)
        return square_grid(n)
    torch.manual_seed(0)
    expected_next = torch.randn(3)
    torch.manual_seed(0)
    run_check("01.1", careless)
    run_check("01.4", lambda rows, cols, scale: (torch.randn(rows, cols) * scale).requires_grad_())
    assert torch.is_grad_enabled()
    assert torch.equal(torch.randn(3), expected_next)


def test_comparisons():
    assert close(1.00001, 1.0) and not close(1.01, 1.0) and not close(True, 1.0) and not close("1", 1.0)
    assert close(torch.tensor(2.0), 2.0) and not close(torch.ones(2), 1.0)
    assert same(torch.ones(2, 2), torch.ones(2, 2)) and not same(np.ones((2, 2)), torch.ones(2, 2))
    assert not same(torch.ones(2, 2), torch.ones(4)) and not same(torch.ones(2), torch.zeros(2))
    assert same({"A ", "b"}, {"a", "b"}) and same(["b", "a"], {"a", "b"}) and not same({"a"}, {"a", "b"})
    assert same(" B", "b") and same((1.0, None), (1.0, None)) and not same((1.0,), (1.0, 2.0))
    assert same(True, True) and not same(1, True) and same(None, None) and not same(0, None)
    assert show(1 / 3) == "0.333333" and show(torch.ones(2, 2)) == "tensor([[1., 1.], [1., 1.]])"


def test_cases_with_the_same_label_share_one_call():
    calls = []

    @checker.exercise("99.1")
    def _cases():
        for n in (1, 2):
            yield Case(f"n = {n}", (n,), n, "first", lambda r: r[0])
            yield Case(f"n = {n}", (n,), 2 * n, "second", lambda r: r[1])
    try:
        result = run_check("99.1", lambda n: calls.append(n) or (n, 2 * n))
    finally:
        checker._REGISTRY.pop("99.1")
    assert result.ok and result.total == 4 and calls == [1, 2]
