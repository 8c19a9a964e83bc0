"""BlogReader: follow AI/ML blogs and newsletters from one local library."""

__version__ = "0.1.0"
