"""The package's own property suite, runnable on an installed wheel: ``pytest --pyargs iclverify``.

Fast (well under a minute on 2 cores) and self-contained: it needs only the installed
package, pytest and hypothesis.  It checks the parameter-domain machinery, the
calibration and power of the theory-vs-simulation comparison, and the extension battery
on a built-in example claim (``iclverify.checks.extension.battery_example``).
"""
