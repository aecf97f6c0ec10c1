"""Search spaces: what may vary, declared as a configuration on Keras Tuner's HyperParameters."""

from search.space.dimensions import Auto, Boolean, Choice, Dimension, Float, Int
from search.space.loader import load_space
from search.space.space import SEARCHABLE, Space

__all__ = [
    "SEARCHABLE",
    "Auto",
    "Boolean",
    "Choice",
    "Dimension",
    "Float",
    "Int",
    "Space",
    "load_space",
]
