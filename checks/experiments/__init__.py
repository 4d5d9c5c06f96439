"""Experiments shared by claims and figures: trained models, pruning curves, rate fits and measurements.

They sit above simulation and statistics and below both claims and figures, so that a figure never reaches into a
claim module.
"""
