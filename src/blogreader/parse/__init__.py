"""Parse: bytes in, plain dataclasses out. The only modules that import the parsers."""
