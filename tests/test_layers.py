"""The layers the folders show, one way down, checked by import-linter's contract in ``pyproject.toml``.

The repository maps its top-level folders into one package (``package-dir``), which an editable install serves
through an import hook that import-linter cannot walk; the test therefore lays the package out as an installed
wheel would (a copy of the sources in a temporary folder) and runs ``lint-imports`` on that copy.
"""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
#: Where each subpackage's sources live in the repository (pyproject.toml's package-dir).
SOURCES = {"": "src/iclverify", "theory": "theory", "derivations": "derivations", "checks": "checks",
           "figures": "figures"}


def _lay_out(dest: Path) -> Path:
    pkg = dest / "iclverify"
    for sub, src in SOURCES.items():
        shutil.copytree(ROOT / src, pkg / sub if sub else pkg, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns("__pycache__", "*.npz", "*.png", "*.csv"))
    return dest


def test_import_linter_contract_is_kept(tmp_path):
    lint = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or shutil.which("lint-imports")
    if lint is None:
        pytest.skip("import-linter is not installed (it is in the test extra)")
    where = _lay_out(tmp_path / "site")
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    proc = subprocess.run([lint, "--no-cache"], cwd=tmp_path, capture_output=True, text=True, timeout=300,
                          env={"PYTHONPATH": str(where), "PATH": str(Path(sys.executable).parent)})
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    assert "1 kept, 0 broken" in proc.stdout


def test_contract_names_every_subpackage():
    """A new subpackage must be placed in a layer (else the contract would silently not constrain it)."""
    tomllib = pytest.importorskip("tomllib")  # Python >= 3.11

    layers = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"][0]["layers"]
    named = {m.strip() for layer in layers for m in layer.split("|")}
    subpackages = {"iclverify.theory", "iclverify.derivations", "iclverify.figures", "iclverify.report",
                   "iclverify.mutation", "iclverify._commands", "iclverify.selftest"}
    subpackages |= {f"iclverify.checks.{p.name}" for p in (ROOT / "checks").iterdir()
                    if (p / "__init__.py").exists()}
    assert subpackages <= named, sorted(subpackages - named)


def test_every_registry_discovers_all_its_modules():
    """The four registries share one discovery policy (iclverify.discovery): failures are recorded, not hidden."""
    from iclverify.checks.claims import registry as claims
    from iclverify.derivations import registry as derivations
    from iclverify.figures import registry as figures
    from iclverify.theory import exposure as theory

    for reg in (claims, derivations, figures, theory):
        assert reg.discovery_errors() == {}, reg.__name__


def test_strict_discovery_raises_and_lenient_records(tmp_path, monkeypatch):
    from iclverify.discovery import DiscoveryError, discover_modules

    pkg = tmp_path / "toyreg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "good.py").write_text("X = 1\n")
    (pkg / "bad.py").write_text("raise RuntimeError('broken on purpose')\n")
    (pkg / "_private.py").write_text("raise RuntimeError('never imported')\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    errors: dict[str, str] = {}
    discover_modules("toyreg", errors)
    assert list(errors) == ["toyreg.bad"] and "broken on purpose" in errors["toyreg.bad"]
    assert "toyreg.good" in sys.modules
    with pytest.raises(DiscoveryError, match="toyreg.bad failed to import: RuntimeError: broken on purpose"):
        discover_modules("toyreg", {}, strict=True)
