import json
import subprocess
import sys

from iclverify.cli import main


def test_help_lists_commands(capsys):
    assert main([]) == 2
    out = capsys.readouterr().out
    assert "theory" in out and "derive" in out


def test_console_script_runs_as_module():
    res = subprocess.run([sys.executable, "-m", "iclverify", "--version"], capture_output=True, text=True)
    assert res.returncode == 0 and "iclverify" in res.stdout
