"""Claims of Lu et al. (2024), asymptotic ICL and IDG errors of ridge-trained linear attention.

``closed_form``: statements about the closed forms alone; ``monte_carlo``: the closed forms against simulation
with the 1/d extrapolation; ``ridge_idg``: the ridge IDG error against simulation.
"""
