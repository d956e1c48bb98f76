"""The ``sigmoid data`` subcommand (placeholder until it is written)."""

COMMANDS: list = []
