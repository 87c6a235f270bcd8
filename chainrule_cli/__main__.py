"""Allow ``python -m chainrule_cli``."""

from chainrule_cli.cli import main

main()
