"""``iclverify theory NAME --param value ... [--dps D] [--json]``: evaluate one closed form.

``iclverify theory list`` lists every exposed expression, ``iclverify theory PAPER`` those of one
paper, and ``iclverify theory NAME --help`` shows one expression's parameters with their domains
and defaults.
"""

from __future__ import annotations

import argparse
import difflib
import inspect
import json
import re
import sys

from iclverify.serialization import json_ready

NAME = "theory"
HELP = "evaluate a closed-form expression, e.g. `iclverify theory lu2024.icl_error --alpha 10 ...`"
ORDER = 10


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("name", nargs="?", metavar="NAME|PAPER|list",
                   help="exposed expression (`list`: all of them; a paper key such as lu2024: that paper's)")
    p.add_argument("--json", action="store_true", help='print {"name", "params", "value"} as JSON')
    p.conflict_handler = p._optionals.conflict_handler = "resolve"  # our own -h/--help, which knows NAME
    p.add_argument("-h", "--help", dest="help_", action="store_true",
                   help="show this help, or with NAME the expression's parameters, domains and defaults")
    p.set_defaults(_accepts_extra=True)


def number(text: str) -> float:
    """A real number from the command line (``inf`` and ``1e-6`` accepted)."""
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None


def integer(text: str) -> int:
    """An integer from the command line (``1e3`` accepted when it is a whole number)."""
    from iclverify._commands._validate import parse_int

    value = parse_int(text)
    if value is not None:
        return value
    raise argparse.ArgumentTypeError(f"expected an integer, got {text!r}")


# -- text: docstring summaries without Sphinx markup ------------------------------------------
_ROLE = re.compile(r":(?:math|func|class|mod|data|meth|attr):`([^`]*)`")
_TEX_SYMBOLS = {
    "alpha": "α", "beta": "β", "gamma": "γ", "Gamma": "Γ", "delta": "δ", "varepsilon": "ε", "epsilon": "ε",
    "kappa": "κ", "lambda": "λ", "mu": "μ", "nu": "ν", "rho": "ρ", "sigma": "σ", "Sigma": "Σ", "tau": "τ",
    "ell": "ℓ", "infty": "∞", "cdot": "·", "le": "≤", "leq": "≤", "ge": "≥", "geq": "≥", "to": "→",
    "simeq": "≃", "approx": "≈", "int": "∫", "sum": "Σ", "min": "min", "max": "max", "log": "log",
    "quad": " ", "qquad": " ", "|": "‖", "left": "", "right": "", "mathbb": "", "rm": "", "mathrm": "",
    "operatorname": "", "top": "ᵀ", "prime": "′", "partial": "∂", "sqrt": "√",
}


def _tex(expr: str) -> str:
    """A LaTeX formula as plain Unicode text (enough for one-line summaries)."""
    out = expr
    for _ in range(5):  # \frac{a}{b} -> (a)/(b), innermost first
        out = re.sub(r"\\frac\{([^{}]*)\}\{([^{}]*)\}", r"(\1)/(\2)", out)
    out = re.sub(r"\\([A-Za-z]+|\|)", lambda m: _TEX_SYMBOLS.get(m.group(1), m.group(1)), out)
    out = re.sub(r"([_^])\{([^{}]*)\}", lambda m: m.group(1) + (m.group(2) if len(m.group(2)) <= 1
                                                                 else "(" + m.group(2).strip() + ")"), out)
    out = out.replace("{", "").replace("}", "").replace("\\", "")
    return " ".join(out.split())


def plain(text: str) -> str:
    """Docstring text for a terminal: Sphinx roles rendered, double backticks removed, spaces normalised."""
    text = re.sub(r":math:`([^`]*)`", lambda m: _tex(m.group(1)), text)
    text = _ROLE.sub(lambda m: m.group(1).lstrip("~"), text)
    text = text.replace("``", "").replace("\\", "")
    return " ".join(text.split())


def summary(exp) -> str:
    """The first paragraph of the docstring (never cut mid-sentence), without markup."""
    import inspect as _inspect

    doc = _inspect.getdoc(exp.func) or exp.summary or ""
    first = doc.split("\n\n", 1)[0]
    return plain(first)


def _groups(registry: dict) -> list[tuple[str, list[str]]]:
    """Registry names grouped by function: one entry per formula, its aliases after it."""
    seen: dict[int, list[str]] = {}
    order: list[int] = []
    for name, exp in registry.items():
        key = id(inspect.unwrap(exp.func))
        if key not in seen:
            seen[key] = []
            order.append(key)
        seen[key].append(name)
    return [(names[0], names[1:]) for names in (seen[k] for k in order)]


def _list(registry: dict, paper: str | None = None) -> int:
    names = [(n, aliases) for n, aliases in _groups(registry)
             if paper is None or n.split(".", 1)[0] == paper]
    width = max((len(n) for n, _ in names), default=0)
    for name, aliases in names:
        extra = f" (also: {', '.join(aliases)})" if aliases else ""
        print(f"{name:<{width}}  {summary(registry[name])}{extra}")
    return 0


def _papers(registry: dict) -> list[str]:
    return sorted({n.split(".", 1)[0] for n in registry})


def _did_you_mean(word: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(word, choices, n=3, cutoff=0.6)
    return f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""


def boolean(text: str) -> bool:
    """``1/true/yes`` or ``0/false/no`` from the command line."""
    t = str(text).strip().lower()
    if t in ("1", "true", "yes", "y"):
        return True
    if t in ("0", "false", "no", "n"):
        return False
    raise argparse.ArgumentTypeError(f"expected a boolean (1/0, true/false, yes/no), got {text!r}")


def option_help(dom) -> str:
    """Help text of one declared parameter: its meaning, then its domain (choices with their meaning)."""
    from iclverify.theory.parameters import Checked, Options

    if isinstance(dom, Checked):
        return plain(dom.description)
    text = plain(dom.description)
    if isinstance(dom, Options):
        meaning = dom.help_text()
        return f"{text}: {meaning}" if meaning and text else (meaning or text)
    return f"{text}; domain {dom}" if text else f"domain {dom}"


def _parser_for(exp) -> argparse.ArgumentParser:
    from iclverify._commands._parser import Parser
    from iclverify.theory.parameters import Boolean, Interval, Options, exclusions_of, parameter_space

    space = parameter_space(exp.func)
    excluded = [f"{e} is excluded: {e.reason}" for e in exclusions_of(exp.func)]
    p = Parser(prog=f"iclverify theory {exp.name}", description=summary(exp),
               epilog=" ".join(excluded) or None)
    for prm in exp.parameters:
        dom = space.domains.get(prm.name) if space is not None else None
        conv = exp.parsers.get(prm.name)
        choices = None
        if isinstance(dom, Options):
            choices = dom.choices
            conv = conv or str
        elif isinstance(dom, Boolean):
            conv = conv or boolean
        elif conv is None:
            conv = integer if (isinstance(dom, Interval) and dom.integer) or isinstance(prm.default, int) and not \
                isinstance(prm.default, bool) else number
        required = prm.default is inspect.Parameter.empty
        helptext = option_help(dom) if dom is not None else ""
        if not required:
            helptext += f" (default: {prm.default})" if prm.default is not None else \
                (" (default: float64)" if prm.name == "dps" else " (default: none)")
        else:
            helptext += " (required)"
        p.add_argument("--" + prm.name.replace("_", "-"), dest=prm.name, type=conv, required=required,
                       choices=choices, default=None if required else prm.default, help=helptext.strip())
    return p


def run(args: argparse.Namespace) -> int:
    from iclverify.theory.exposure import canonical_name, exposed

    registry = exposed()
    if args.name not in (None, "list"):
        args.name = canonical_name(args.name)
    if args.name in (None, "list"):
        if args.help_ and args.name is None:
            from iclverify._commands._parser import Parser

            whole = Parser(prog=f"iclverify {NAME}", description=HELP)
            add_arguments(whole)
            whole.parse_args(["--help"])  # prints and exits 0
        if args._extra:
            print(f"iclverify theory list: unrecognized arguments: {' '.join(args._extra)}", file=sys.stderr)
            return 2
        return _list(registry)
    papers = _papers(registry)
    if args.name in papers:
        if args._extra:
            print(f"iclverify theory {args.name}: unrecognized arguments: {' '.join(args._extra)} "
                  f"(name an expression, e.g. `iclverify theory {_groups(registry)[0][0]} --help`)",
                  file=sys.stderr)
            return 2
        return _list(registry, args.name)
    if args.name not in registry:
        paper = args.name.split(".", 1)[0]
        if "." in args.name and paper not in papers:
            hint = _did_you_mean(paper, papers)
            print(f"iclverify theory: unknown paper {paper!r} in {args.name!r}{hint} "
                  f"(papers: {', '.join(papers)})", file=sys.stderr)
            return 2
        hint = _did_you_mean(args.name, list(registry) + papers)
        print(f"iclverify theory: unknown expression {args.name!r}{hint}; `iclverify theory list` lists them",
              file=sys.stderr)
        return 2
    exp = registry[args.name]
    sub = _parser_for(exp)
    if args.help_:
        sub.print_help()
        return 0
    params = vars(sub.parse_args(args._extra))
    try:
        value = exp.func(**params)
    except (ValueError, NotImplementedError, ArithmeticError, MemoryError) as err:
        print(f"iclverify theory {exp.name}: {' '.join(str(err).split())}", file=sys.stderr)
        return 2
    import mpmath

    # print mpmath results with all the digits that were asked for (--dps), not the default 15
    with mpmath.workdps(params.get("dps") or mpmath.mp.dps):
        if args.json:
            print(json.dumps({"name": exp.name, "params": json_ready(params), "value": json_ready(value)}))
        else:
            print(json_ready(value) if not isinstance(value, float) else repr(value))
    return 0
