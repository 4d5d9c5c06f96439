"""Claims of Li, Rawat and Oymak (2024): preconditioned-GD equivalences, low-rank optima, LoRA, WPGD and H3.

``statements``: the closed forms against their optima and simulation; ``trained``: trained attention / H3 /
LoRA models against the predicted optima; ``_tools``: helpers private to this paper's claims.
"""
