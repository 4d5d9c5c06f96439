"""Figure registry: figure id -> parameter grid, theory curves, simulated points and plot."""
