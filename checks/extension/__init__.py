"""Extension: a user's closed form registered with :func:`~iclverify.checks.extension.battery.register_formula`
runs the whole battery (precision, limits, properties, calibrated Monte Carlo, controls); the public entry point is
:mod:`iclverify.api`.
"""
