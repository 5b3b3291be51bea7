from handouts.cli import entry

entry()
