"""minigrad/README.md maps the reading order with each file's length: the files exist and the lengths stay close
(within a fifth) to what the guide says, so a reader knows what they are in for."""
import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "minigrad"


def test_the_reading_guide_names_real_files_with_their_lengths():
    rows = [line for line in (PACKAGE / "README.md").read_text().splitlines() if re.match(r"\| \d\. ", line)]
    assert len(rows) == 5
    for row in rows:
        cells = [c.strip() for c in row.strip("|").split("|")]
        files = re.findall(r"\]\(([^)]+\.py)\)", cells[1])
        lengths = [int(n) for n in re.findall(r"\d+", cells[2])]
        assert files and len(files) == len(lengths), row
        for name, length in zip(files, lengths):
            actual = len((PACKAGE / name).read_text().splitlines())
            assert abs(actual - length) <= 0.2 * length, f"{name}: the guide says {length} lines, it has {actual}"
