"""Search spaces: what may vary, declared as a configuration on Keras Tuner's HyperParameters."""

from search.space.dimensions import Auto, Boolean, Choice, Dimension, Float, Int
from search.space.fields import SEARCHABLE
from search.space.loader import load_space, read_space_text, space_from_text
from search.space.space import Space

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
    "read_space_text",
    "space_from_text",
]
