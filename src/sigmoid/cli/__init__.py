"""The ``sigmoid`` command line.

Every subcommand lives in its own module of this package and registers itself on :data:`cli`.
:func:`main` runs the command without exiting the interpreter, so tests call it directly:
expected errors become one line on stderr and a non-zero return value, never a traceback.
"""

from __future__ import annotations

import sys

import click

from sigmoid.errors import SigmoidError

# Exit statuses: 2 for a bad command line (as argparse and click do), 1 for everything else.
EXIT_USAGE = 2
EXIT_FAILURE = 1
EXIT_INTERRUPTED = 130


@click.group(
    invoke_without_command=True,
    subcommand_metavar="COMMAND [ARGS]...",
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.version_option(package_name="sigmoid")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Sigmoid neurons, perceptrons and the networks built from them."""
    if ctx.invoked_subcommand is None:  # plain `sigmoid`: the help, and success
        click.echo(ctx.get_help())


def _register_subcommands() -> None:
    # Imported here so that each subcommand module can import ``cli`` from this package.
    from sigmoid.cli import data, neuron, plot, train

    for module in (neuron, train, data, plot):
        for command in module.COMMANDS:
            cli.add_command(command)


_register_subcommands()


def main(argv: list[str] | None = None) -> int:
    """Run ``sigmoid`` with ``argv`` (default ``sys.argv[1:]``) and return the exit status."""
    try:
        # A command that raises click.exceptions.Exit(status) gets ``status`` back from click here.
        status = cli.main(args=argv, prog_name="sigmoid", standalone_mode=False)
    except click.exceptions.Exit as done:
        return done.exit_code
    except click.UsageError as error:
        message = error.format_message()
        where = f"{error.ctx.command_path if error.ctx is not None else _command_path(argv)}: "
        click.echo(f"{where}error: {message}", err=True)
        return EXIT_USAGE
    except click.Abort:
        click.echo("sigmoid: interrupted", err=True)
        return EXIT_INTERRUPTED
    except (SigmoidError, click.ClickException, OSError, ValueError) as error:
        click.echo(f"{_command_path(argv)}: error: {_one_line(error)}", err=True)
        return EXIT_FAILURE
    except MemoryError as error:
        reason = f" ({_one_line(error)})" if str(error) else ""
        click.echo(f"{_command_path(argv)}: error: not enough memory{reason}", err=True)
        return EXIT_FAILURE
    return status if isinstance(status, int) else 0


def _command_path(argv: list[str] | None) -> str:
    """``"sigmoid SUBCOMMAND"`` for the subcommand that ran (the group takes no valued options,
    so it is the first word that is not an option), else ``"sigmoid"``."""
    words = sys.argv[1:] if argv is None else argv
    name = next((word for word in words if not word.startswith("-")), None)
    return f"sigmoid {name}" if name in cli.commands else "sigmoid"


def _one_line(error: BaseException) -> str:
    text = error.format_message() if isinstance(error, click.ClickException) else str(error)
    return " ".join(text.split()) or type(error).__name__


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
