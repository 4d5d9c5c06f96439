"""Built-in mutation testing: perturb every closed form, re-run the claims that use it, count the kills.

See ``docs/mutation.md`` and ``iclverify mutate --help``.  Modules: :mod:`.forms` (what is
perturbed and where a mutant is put), :mod:`.mutants` (the standard mutants), :mod:`.record`
(the baseline recorder), :mod:`.engine` (the run), :mod:`.summary` (table and JSON).
"""
