"""One module per ``iclverify`` sub-command (NAME, HELP, add_arguments, run)."""
