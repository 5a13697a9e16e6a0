"""Repository-wide pytest set-up for notebooks: nbval's sanitize file, and SVG left out of output comparison
(graphviz's SVG text depends on the installed version and fonts; the DOT text is tested instead)."""
from pathlib import Path

SANITIZE = Path(__file__).parent / ".nbval_sanitize.cfg"


def pytest_configure(config):
    # nbval opens the sanitize file relative to the launch directory; give it an absolute path
    if hasattr(config.option, "nbval_sanitize_with") and not config.option.nbval_sanitize_with:
        config.option.nbval_sanitize_with = str(SANITIZE)


def pytest_collectstart(collector):
    if collector.path is not None and collector.path.suffix == ".ipynb" and hasattr(collector, "skip_compare"):
        collector.skip_compare += ("image/svg+xml", "application/vnd.jupyter.widget-state+json")
