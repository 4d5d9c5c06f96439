"""Claims of Liu and Zhou (2026): linear attention as a kernel smoother, and the domain-generalisation view.

``statements``: the kernel, rate, causal-cost and two-stage statements, deterministic and Monte Carlo.
"""
