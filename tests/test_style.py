"""No line of Python longer than 120 characters, in the package's sources, the tests, benchmarks and examples.

A plain scan of the files (no formatter, no exclusions): every ``*.py`` file under the folders below is read, and
each line longer than the limit is listed with its file and line number.  A folder that is missing fails the test
rather than shrinking the scan.
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: The folders scanned: the package (pyproject.toml's package-dir), the tests, benchmarks and examples.
FOLDERS = ("src", "theory", "derivations", "checks", "figures", "tests", "benchmarks", "examples")
#: The longest line allowed, in characters (not bytes: a line with a Greek letter is measured as it reads).
MAX_LINE = 120


def _python_files():
    missing = [name for name in FOLDERS if not (ROOT / name).is_dir()]
    assert not missing, f"folders to scan are missing: {missing}"
    return sorted(path for name in FOLDERS for path in (ROOT / name).rglob("*.py"))


def _long_lines(path: Path):
    text = path.read_text(encoding="utf-8")
    return [(number, len(line)) for number, line in enumerate(text.splitlines(), start=1) if len(line) > MAX_LINE]


def test_the_scan_sees_the_package_and_the_tests():
    files = {path.relative_to(ROOT).as_posix() for path in _python_files()}
    # The scan must reach every folder (a wrong root would make the main test pass on nothing).
    for name in FOLDERS:
        assert any(f.startswith(name + "/") for f in files), name
    assert "tests/test_style.py" in files


def test_long_lines_are_found(tmp_path):
    # The scan's own control: a line one character over the limit is reported, one at the limit is not, and
    # characters are counted, not bytes.
    sample = tmp_path / "sample.py"
    sample.write_text("x" * 120 + "\n" + "y" * 121 + "\n" + "\u03b1" * 120 + "\n", encoding="utf-8")
    assert _long_lines(sample) == [(2, 121)]


def test_no_line_is_longer_than_120_characters():
    offenders = [f"{path.relative_to(ROOT).as_posix()}:{number} ({length} characters)"
                 for path in _python_files() for number, length in _long_lines(path)]
    assert not offenders, f"{len(offenders)} lines over {MAX_LINE} characters:\n" + "\n".join(offenders)
