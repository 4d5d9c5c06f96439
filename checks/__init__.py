"""Monte Carlo simulators, calibrated theory-vs-simulation comparison and the claims registry."""
