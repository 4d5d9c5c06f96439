"""Claims of Li et al. (2024): training dynamics, generalisation and pruning of a nonlinear one-layer transformer.

``trained``: claims C1-C12, each decided over several trained models (the seed rule is stated in the module).
"""
