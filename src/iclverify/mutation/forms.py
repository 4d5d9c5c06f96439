"""The closed forms a mutation run perturbs, and how a perturbation is put in place.

Two kinds of form:

* :class:`TheoryForm` -- a public function of :mod:`iclverify.theory` exposed to the CLI
  (:func:`iclverify.theory.exposure.exposed`).  A mutant replaces the function's attribute in
  every theory module that holds it (the defining module and the public module that
  re-exports it).  Claims that look the function up at call time (``lu.icl_error(...)``) see the
  mutant; so does every theory function that calls it through its module's globals (its
  *reach*, recorded by :mod:`iclverify.mutation.record`).  A claim module that bound the function
  at import time (``from ...lu2024 import icl_error``) does not: :func:`import_time_bindings`
  lists such places.
* :class:`ExtensionForm` -- a formula registered with :func:`iclverify.api.register_formula`.
  A mutant replaces the spec's expression (sympy) or function, so every leg of the battery
  (precision, limits, properties, Monte Carlo) sees it.
"""

from __future__ import annotations

import contextlib
import inspect
import sys
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator

__all__ = ["TheoryForm", "ExtensionForm", "theory_forms", "extension_forms", "import_time_bindings",
           "PAPER_PREFIXES"]

#: Exposed names start with the paper key; ``li2024.*`` is an alias of ``li2024_finegrained.*``.
PAPER_PREFIXES = {"li2024": "li2024_finegrained"}


def _paper_of(name: str) -> str:
    prefix = name.split(".", 1)[0]
    return PAPER_PREFIXES.get(prefix, prefix)


@dataclass
class TheoryForm:
    """One exposed theory function (aliases merged)."""

    name: str
    func: Callable[..., Any]
    aliases: tuple[str, ...] = ()
    sites: list[tuple[str, str]] = field(default_factory=list)  # (module, attribute) holding func

    @property
    def paper(self) -> str:
        return _paper_of(self.name)

    @property
    def kind(self) -> str:
        return "theory"

    @property
    def space(self):
        return getattr(self.func, "__parameter_space__", None)

    def signature(self) -> inspect.Signature:
        return inspect.signature(self.func)

    @contextlib.contextmanager
    def replaced(self, new: Callable[..., Any]) -> Iterator[None]:
        """Put ``new`` in place of the function at every site, restore on exit."""
        olds = []
        for mod, attr in self.sites:
            m = sys.modules[mod]
            olds.append((m, attr, getattr(m, attr)))
            setattr(m, attr, new)
        try:
            yield
        finally:
            for m, attr, old in reversed(olds):
                setattr(m, attr, old)

    def current(self) -> Callable[..., Any]:
        """The function now at the first site (the mutant while one is in place)."""
        mod, attr = self.sites[0]
        return getattr(sys.modules[mod], attr)


@dataclass
class ExtensionForm:
    """A formula registered with ``register_formula`` (its claim id is its name)."""

    name: str

    @property
    def spec(self):
        from iclverify.checks.extension.battery import get_spec

        return get_spec(self.name)

    @property
    def paper(self) -> str:
        from iclverify.checks.claims import get_claim

        try:
            return get_claim(self.name).paper
        except KeyError:
            return self.name.split(".", 1)[0]

    @property
    def kind(self) -> str:
        return "extension"

    @contextlib.contextmanager
    def replaced_spec(self, *, expr: Any = None, func: Any = None) -> Iterator[None]:
        """Swap the spec's expression (re-lambdified) or function; restore on exit."""
        spec = self.spec
        saved = spec.swap_theory(expr=expr, func=func)
        try:
            yield
        finally:
            spec.restore_theory(saved)


def _theory_modules() -> list[Any]:
    return [m for n, m in sorted(sys.modules.items()) if n.startswith("iclverify.theory") and m is not None]


def theory_forms() -> list[TheoryForm]:
    """Every exposed theory function once (aliases merged), with the theory modules that hold it."""
    from iclverify.theory.exposure import exposed

    by_func: dict[int, TheoryForm] = {}
    for name, exp in exposed().items():
        f = by_func.get(id(exp.func))
        if f is None:
            by_func[id(exp.func)] = TheoryForm(name, exp.func)
        else:  # prefer the paper's own key (li2024_finegrained.*) over an alias (li2024.*)
            names = sorted([f.name, *f.aliases, name], key=lambda n: (n.split(".")[0] in PAPER_PREFIXES, n))
            f.name, f.aliases = names[0], tuple(names[1:])
    forms = sorted(by_func.values(), key=lambda f: f.name)
    mods = _theory_modules()
    for f in forms:
        f.sites = [(m.__name__, attr) for m in mods for attr, v in vars(m).items() if v is f.func]
        home = (f.func.__module__, f.func.__name__)
        f.sites.sort(key=lambda s: s != home)  # the defining module first
    return forms


def extension_forms(claim_ids: list[str]) -> list[ExtensionForm]:
    """The registered formulas among ``claim_ids``."""
    from iclverify.checks.extension.battery import get_spec

    return [ExtensionForm(c) for c in claim_ids if get_spec(c) is not None]


def import_time_bindings(package_prefixes: tuple[str, ...] = ("iclverify.checks", "iclverify.figures")
                         ) -> list[tuple[str, str, str]]:
    """``(module, attribute, form)`` for every module outside theory that bound a theory form at import time.

    A mutant replaces the attribute of the theory modules; a module that did
    ``from iclverify.theory.lu2024 import icl_error`` keeps the original, so its claims cannot
    kill (or even see) that form's mutants.  Claim modules are imported first.
    """
    from iclverify.checks.claims import discover

    discover()
    funcs = {id(f.func): f.name for f in theory_forms()}
    out = []
    for n, m in sorted(sys.modules.items()):
        if m is None or not n.startswith(package_prefixes):
            continue
        for attr, v in sorted(vars(m).items()):
            if id(v) in funcs:
                out.append((n, attr, funcs[id(v)]))
    return out
