"""The ``sigmoid neuron`` subcommand (placeholder until it is written)."""

COMMANDS: list = []
