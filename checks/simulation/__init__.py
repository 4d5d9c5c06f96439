"""Simulation layer: the papers' simulators and fits, and how runs execute (sweeps, result store, backends).

Imports theory and the statistics layer only; claims, figures and the report sit above it.
"""
