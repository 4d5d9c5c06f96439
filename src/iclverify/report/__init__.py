"""The verification report: run the claims ledger and write HTML, Markdown and JSON."""
