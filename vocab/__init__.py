"""vocab/ is installed as the package service.vocabulary (setup.py), so the wheel carries the
Turtle and the JSON-LD context and service/vocab.py finds them through importlib.resources."""
