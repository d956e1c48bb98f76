"""The ``sigmoid train`` subcommand (placeholder until it is written)."""

COMMANDS: list = []
