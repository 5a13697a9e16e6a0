"""Course widgets: each is a plain state object (tested without a browser) plus a thin ipywidgets view."""
from .accumulation import AccumulationDemo, accumulation_demo
from .builder import EXAMPLES, GraphBuilder, graph_builder
from .quiz import Quiz, quiz

__all__ = ["EXAMPLES", "GraphBuilder", "graph_builder", "AccumulationDemo", "accumulation_demo", "Quiz", "quiz"]
