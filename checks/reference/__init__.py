"""Reference data: the research notes' printed values and the authors' released numbers (``data/``).

Read by the claims (which hold the implementation to them), the figures and the tests, from one place.
"""
