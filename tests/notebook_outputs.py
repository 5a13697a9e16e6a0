"""Reading and comparing the printed outputs of notebook cells (shared by the lesson tests)."""
import configparser
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NUMBER = re.compile(r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?")


def _sanitizers():
    parser = configparser.ConfigParser()
    parser.read(ROOT / ".nbval_sanitize.cfg")
    return [(re.compile(parser[s]["regex"]), parser[s]["replace"]) for s in parser.sections()]


SANITIZERS = _sanitizers()


def sanitize(text):
    for pattern, replacement in SANITIZERS:
        text = pattern.sub(replacement, text)
    return text


def printed(outputs):
    """What a cell showed as text: {"stdout": ..., "stderr": ..., "text/plain": ..., "error": "Type: message"}."""
    shown = {}
    for out in outputs:
        kind = out["output_type"]
        if kind == "stream":
            shown[out["name"]] = shown.get(out["name"], "") + "".join(out["text"])
        elif kind in ("execute_result", "display_data") and "text/plain" in out.get("data", {}):
            shown["text/plain"] = shown.get("text/plain", "") + "".join(out["data"]["text/plain"]) + "\n"
        elif kind == "error":
            shown["error"] = f"{out['ename']}: {out['evalue']}"
    return {key: sanitize(text) for key, text in shown.items()}


def _decimals(token):
    mantissa = re.split(r"[eE]", token)[0]
    return len(mantissa.split(".")[1]) if "." in mantissa else 0


def numbers_close(a, b, rel=1e-4):
    """Two printed numbers agree within float32 rounding: a relative tolerance, or one unit (and a half) of the
    last printed digit, since a value on a rounding boundary may print either way."""
    x, y = float(a), float(b)
    if x == y:
        return True
    exponent = re.split(r"[eE]", a)[1] if re.search(r"[eE]", a) else "0"
    last_digit = 10.0 ** (int(exponent) - _decimals(a))
    return abs(x - y) <= max(rel * max(abs(x), abs(y)), 1.5 * last_digit)


def same_text(expected, got):
    """None when `got` prints the same as `expected` (numbers compared with a tolerance), else a description."""
    text_a, text_b = NUMBER.split(expected), NUMBER.split(got)
    nums_a, nums_b = NUMBER.findall(expected), NUMBER.findall(got)
    if text_a != text_b or len(nums_a) != len(nums_b):
        return f"text differs:\n--- expected\n{expected}\n--- got\n{got}"
    for a, b in zip(nums_a, nums_b):
        if not numbers_close(a, b):
            return f"number {a} printed as {b}:\n--- expected\n{expected}\n--- got\n{got}"
    return None
