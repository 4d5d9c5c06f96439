"""Extension: a user's closed form registered with :func:`~iclverify.checks.extension.battery.register_formula`
becomes a :class:`~iclverify.checks.extension.battery.FormulaSpec` -- a
:class:`~iclverify.checks.simulation.model.Model` with one quantity plus the battery's statement -- and runs the
whole battery (precision, limits, properties, calibrated Monte Carlo through ``Model.compare``, controls); the
public entry point is :mod:`iclverify.api`.
"""
