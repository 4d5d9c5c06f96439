"""Every command builds its shared options from the declared settings (issue 16, items 4 and 6).

The run settings (scale, jobs, seed, store, device, scheduler, ...) are declared once in
:mod:`iclverify.checks.simulation.run_config` (``RUN_SETTINGS``; a figure adds ``style`` and ``title``:
``FIGURE_SETTINGS``).  These tests walk every parser of the console script and every declaration, not a hand
list of options: an option named after a declared setting must be built from that declaration (its choices,
help and default), a value outside the domain must end with exit status 2 and one line naming the option, and
``RunConfig`` / ``FigureConfig`` must refuse what the declarations refuse.
"""

from __future__ import annotations

import argparse
import dataclasses
import math

import pytest

from iclverify.checks.simulation.run_config import DEFAULT_SEED, RUN_SETTINGS, RunConfig
from iclverify.cli import _command_modules, build_parser, main
from iclverify.figures.registry import FIGURE_SETTINGS, FigureConfig
from iclverify.theory.parameters import Interval, Options

#: Every declared setting a command may show, by name.
DECLARED = {**RUN_SETTINGS, **FIGURE_SETTINGS}


def _parsers(parser: argparse.ArgumentParser, path: tuple = ()) -> dict:
    """``{("figures", "make"): parser, ...}``: every (sub-)command parser of the console script."""
    out = {path: parser} if path else {}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                out.update(_parsers(sub, path + (name,)))
    return out


PARSERS = _parsers(build_parser())
MODULES = {m.NAME: m for m in _command_modules()}


def _options(parser: argparse.ArgumentParser) -> list:
    return [a for a in parser._actions if a.option_strings and a.dest != "help"]


def _declared_actions() -> list:
    """(command path, action) for every option built from a declaration."""
    return [(path, a) for path, p in PARSERS.items() for a in _options(p) if hasattr(a, "declared")]


DECLARED_ACTIONS = _declared_actions()
IDS = [f"{' '.join(path)} {a.option_strings[0]}" for path, a in DECLARED_ACTIONS]


def _domain(declared):
    return getattr(declared, "domain", declared)


def _expected_default(path: tuple, action: argparse.Action):
    """The declared default, or the command's own where its module declares one (``RUN_DEFAULTS``)."""
    own = getattr(MODULES[path[0]], "RUN_DEFAULTS", {})
    if action.dest in own:
        return own[action.dest]
    declared = action.declared
    if hasattr(declared, "command_default"):
        return declared.command_default
    return getattr(declared, "default", None)


def test_the_walk_finds_every_command_and_the_shared_settings():
    commands = {path[0] for path in PARSERS}
    assert {"report", "figures", "mutate", "hunt", "simulate"} <= commands
    shown = {a.dest for _, a in DECLARED_ACTIONS}
    assert {"quick", "jobs", "seed", "store", "device", "scheduler", "style", "title", "score"} <= shown


@pytest.mark.parametrize("path", list(PARSERS), ids=[" ".join(p) for p in PARSERS])
def test_options_named_after_a_setting_are_built_from_it(path):
    """No command hand-writes ``--jobs``, ``--seed``, ``--quick``, ``--store``, ``--device``, ``--style``, ...

    Every option whose destination is a declared setting carries that declaration (``hunt`` declares its own
    ``d``/``reps``/``seed`` and ``simulate`` its model point's ``d``: there the domain is that declaration's,
    with the same bounds as the run setting's and a description of its own).
    """
    for action in _options(PARSERS[path]):
        if action.dest not in DECLARED:
            continue
        assert hasattr(action, "declared"), f"{' '.join(path)} {action.option_strings[0]} is not built from " \
                                            f"the declared setting {action.dest!r}"
        ours, declared = _domain(action.declared), DECLARED[action.dest].domain
        assert type(ours) is type(declared)
        if isinstance(ours, Interval):  # the same kind of number, inside the setting's domain (hunt: reps >= 2)
            assert ours.integer == declared.integer and ours.low >= declared.low and ours.high <= declared.high
        elif isinstance(ours, Options):
            assert ours.choices == declared.choices


@pytest.mark.parametrize("path, action", DECLARED_ACTIONS, ids=IDS)
def test_choices_help_and_default_are_the_declared_ones(path, action):
    domain = _domain(action.declared)
    if action.const is False:  # the --full half of a --quick/--full pair: shares the destination and default
        assert action.declared.negation[1] in action.help
        return
    assert domain.description and domain.description in action.help
    if isinstance(domain, Options):
        assert tuple(action.choices) == domain.choices
        for choice, meaning in domain.help.items():
            assert f"{choice}: {meaning}" in action.help
    assert action.default == _expected_default(path, action)


def test_parsed_defaults_follow_the_declarations():
    """What a command receives when no option is given (``--jobs auto``: one worker per available core)."""
    from iclverify.checks.simulation.sweep import available_cores

    args = build_parser().parse_args(["report"])
    assert (args.quick, args.seed, args.store, args.jobs) == (
        RUN_SETTINGS["quick"].default, RUN_SETTINGS["seed"].default, RUN_SETTINGS["store"].default,
        available_cores())
    mk = build_parser().parse_args(["figures", "make", "all"])
    config = FigureConfig(**{k: getattr(mk, k) for k in ("quick", "d", "reps", "seed", "device", "scheduler",
                                                         "style", "title")})
    assert config == FigureConfig()  # the command's defaults are FigureConfig's own
    args = build_parser().parse_args(["mutate"])
    assert args.seed == DEFAULT_SEED and args.quick is True


def _bad_values(domain) -> list[str]:
    """Command-line spellings of values outside ``domain`` (from the declaration's own invalid values)."""
    if isinstance(domain, Options):
        return ["<not-an-option>"]
    out = []
    for v in domain.invalid_values():
        text = repr(v) if not (isinstance(v, float) and v.is_integer()) else str(int(v))
        out.append("nan" if isinstance(v, float) and math.isnan(v) else text)
    return out


def _positionals(path: tuple) -> list[str]:
    """Values for a command's required positional arguments (a choice where there are choices)."""
    out = []
    for a in PARSERS[path]._actions:
        if a.option_strings or isinstance(a, argparse._SubParsersAction) or a.nargs == "?":
            continue
        out.append(list(a.choices)[0] if a.choices else "all")
    return out


BAD_CASES = [(path, a, v) for path, a in DECLARED_ACTIONS if isinstance(_domain(a.declared), (Interval, Options))
             for v in _bad_values(_domain(a.declared))]


@pytest.mark.parametrize("path, action, value", BAD_CASES,
                         ids=[f"{' '.join(p)} {a.option_strings[0]} {v}" for p, a, v in BAD_CASES])
def test_a_value_outside_the_domain_exits_2_with_one_line_naming_the_option(path, action, value, capsys):
    argv = [*path, *_positionals(path), f"{action.option_strings[0]}={value}"]
    assert main(argv) == 2, argv
    err = [ln for ln in capsys.readouterr().err.splitlines() if ln.strip()]
    assert len(err) == 1, err
    assert action.option_strings[0] in err[0] and "Traceback" not in err[0]


@pytest.mark.parametrize("argv", [["mutate", "--jobs", "0"], ["mutate", "--seed", "-1"],
                                  ["report", "--jobs", "0"], ["figures", "make", "all", "--seed", "2e19"]])
def test_jobs_and_seed_are_checked_by_every_command(argv, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and argv[-2] in err[0] and "is outside the domain of" in err[0]


def test_jobs_auto_and_minus_one_mean_one_per_core():
    from iclverify.checks.simulation.sweep import available_cores

    for text in ("auto", "-1"):
        assert build_parser().parse_args(["mutate", "--jobs", text]).jobs == available_cores()


# -- RunConfig and FigureConfig: fields, defaults and checks from the declarations ----------------------------
CONFIGS = [RunConfig, FigureConfig]


@pytest.mark.parametrize("config", CONFIGS, ids=lambda c: c.__name__)
def test_every_config_field_is_a_declared_setting_with_its_default(config):
    for f in dataclasses.fields(config):
        setting = f.metadata.get("setting")
        assert setting is not None, f"{config.__name__}.{f.name} is not declared"
        assert setting is DECLARED[f.name] and f.default == setting.default


def test_figureconfig_keeps_its_positional_order():
    """docs/figures.md promises this order to callers that construct a FigureConfig positionally."""
    assert [f.name for f in dataclasses.fields(FigureConfig)] == [
        "quick", "d", "reps", "jobs", "seed", "store", "theory_only", "device", "scheduler", "style", "title"]
    assert [f.name for f in dataclasses.fields(RunConfig)] == ["quick", "jobs", "seed", "store"]


CONFIG_BAD = [(config, f.name, v) for config in CONFIGS for f in dataclasses.fields(config)
              for v in f.metadata["setting"].domain.invalid_values()]


@pytest.mark.parametrize("config, name, value", CONFIG_BAD,
                         ids=[f"{c.__name__}-{n}-{v!r}" for c, n, v in CONFIG_BAD])
def test_configs_refuse_values_outside_the_declared_domain(config, name, value):
    with pytest.raises(ValueError, match=rf"{name}=.* (is outside the domain of|is not a number; domain of) {name}"):
        config(**{name: value})


def test_config_checks_seeds_exactly_and_normalises_integers():
    assert RunConfig(seed=2**63 - 1).seed == 2**63 - 1  # exact: no float rounding up to 2**63
    with pytest.raises(ValueError, match="outside the domain of seed"):
        RunConfig(seed=2**63)
    c = FigureConfig(jobs=2.0, d=8.0)
    assert (c.jobs, c.d) == (2, 8) and isinstance(c.jobs, int)
    assert FigureConfig(d=None, reps=None).d is None  # None: the figure's own


def test_sweep_and_backends_check_through_the_declarations():
    from iclverify.checks.simulation.array_backend import get_backend
    from iclverify.checks.simulation.sweep import BACKENDS, run_sweep

    assert BACKENDS == RUN_SETTINGS["backend"].domain.choices
    with pytest.raises(ValueError, match="jobs=0 is outside the domain of jobs"):
        run_sweep(lambda p, rng: {}, [{}], seed=1, jobs=0)
    with pytest.raises(ValueError, match="backend='threads' is outside the domain of backend"):
        run_sweep(lambda p, rng: {}, [{}], seed=1, backend="threads")
    with pytest.raises(ValueError, match="backend='gpx' is outside the domain of backend.*did you mean 'gpu'"):
        get_backend("gpx")


# -- one implementation of the old-paper-key mapping -------------------------------------------------------------
def test_old_paper_keys_share_one_implementation(monkeypatch):
    """Theory names and figure ids both go through :func:`iclverify.paper_keys.replace_old_key`."""
    import iclverify.paper_keys as paper_keys
    from iclverify.figures import registry
    from iclverify.theory import exposure

    calls = []
    real = paper_keys.replace_old_key

    def spy(*args, **kwargs):
        calls.append(args[0])
        return real(*args, **kwargs)

    monkeypatch.setattr(registry, "replace_old_key", spy)
    monkeypatch.setattr(exposure, "replace_old_key", spy)
    with pytest.warns(FutureWarning, match="figure id 'li2024nl-fig1' uses the old paper key 'li2024nl'; "
                                           "use 'li2024_nonlinear-fig1'"):
        assert registry.canonical_figure_id("li2024nl-fig1") == "li2024_nonlinear-fig1"
    with pytest.warns(FutureWarning, match="theory name 'li2024.x' uses the old paper key 'li2024'; "
                                           "use 'li2024_finegrained.x'"):
        assert exposure.canonical_name("li2024.x") == "li2024_finegrained.x"
    assert calls == ["li2024nl-fig1", "li2024.x"]


def test_old_paper_key_warning_points_at_the_caller():
    from iclverify.figures.registry import canonical_figure_id
    from iclverify.theory.exposure import canonical_name

    with pytest.warns(FutureWarning) as rec:
        canonical_name("li2024.x")
    assert rec[0].filename == __file__
    with pytest.warns(FutureWarning) as rec:
        _caller_of_figure_lookup(canonical_figure_id)
    assert rec[0].filename == __file__


def _caller_of_figure_lookup(lookup):
    # canonical_figure_id warns at the caller of its caller (the caller of get_figure / _select)
    return lookup("li2024-fig1")
