"""The package's own property suite, runnable on an installed wheel: ``pytest --pyargs iclverify``."""
