"""The ``sigmoid plot`` subcommand (placeholder until it is written)."""

COMMANDS: list = []
