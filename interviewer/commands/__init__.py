"""One module per CLI command. Each has ``add_parser(subparsers)`` and ``run(args) -> int``."""
