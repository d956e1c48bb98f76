"""The ``sigmoid`` command line.

Every subcommand lives in its own module of this package and registers itself on :data:`cli`.
:func:`main` runs the command without exiting the interpreter, so tests call it directly:
expected errors become one line on stderr and a non-zero return value, never a traceback.
"""

from __future__ import annotations

import contextlib
import os
import sys

import click

from sigmoid.errors import SigmoidError

# Exit statuses: 2 for a bad command line (as argparse and click do), 1 for everything else.
EXIT_USAGE = 2
EXIT_FAILURE = 1
EXIT_INTERRUPTED = 130
#: Commands whose product is a file: losing their standard output is not a failure.
_FILE_MAKERS = ("sigmoid train", "sigmoid plot")


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
    # Imported when a command runs, not with this package: they load NumPy, which takes a
    # third of a second in which a Ctrl-C must still be answered as one.
    from sigmoid.cli import data, neuron, plot, train

    for module in (neuron, train, data, plot):
        for command in module.COMMANDS:
            cli.add_command(command)


def main(argv: list[str] | None = None) -> int:
    """Run ``sigmoid`` with ``argv`` (default ``sys.argv[1:]``) and return the exit status.

    Standard output and error are wrapped so that losing them (``| head``, a full disk, a closed
    descriptor) never ends a command: a training run still saves its model.
    """
    streams = sys.stdout, sys.stderr
    sys.stdout = out = _Forgiving(sys.stdout, "standard output")
    sys.stderr = _Forgiving(sys.stderr, "standard error")
    try:
        _register_subcommands()
        status = _run(argv)
        # train and plot made their files; for the others the lost output was the result.
        made_a_file = _command_path(argv) in _FILE_MAKERS and not {"-h", "--help"} & set(_words(argv))
        if status == 0 and out.lost and out.tried and not made_a_file:
            return EXIT_FAILURE
        return status
    except KeyboardInterrupt:  # while the subcommands are imported; later click turns it into Abort
        click.echo("sigmoid: interrupted", err=True)
        return EXIT_INTERRUPTED
    finally:
        sys.stdout, sys.stderr = streams


def _run(argv: list[str] | None) -> int:
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


class _Forgiving:
    """A standard stream whose writes may fail without ending the command.

    The first failure (a closed pipe, a full disk, a closed descriptor) is reported once on
    standard error if that still works; later writes are dropped, and the descriptor is pointed at
    the null device so that Python's own flush at exit fails no more.
    """

    def __init__(self, stream, name: str) -> None:
        self.stream, self.name, self.lost, self.tried = stream, name, stream is None, False

    def write(self, text: str) -> int:
        if self.stream is None and not self.tried:  # closed before the command began
            self._tell("it is closed")
        self.tried = True
        if not self.lost:
            try:
                return self.stream.write(text)
            except (OSError, ValueError) as error:  # ValueError: the file was closed
                self._lose(error)
        return len(text)

    def flush(self) -> None:
        if not self.lost:
            try:
                self.stream.flush()
            except (OSError, ValueError) as error:
                self._lose(error)

    def isatty(self) -> bool:
        return not self.lost and self.stream.isatty()

    def __getattr__(self, name: str):
        if self.stream is None:
            raise AttributeError(name)
        return getattr(self.stream, name)

    def _lose(self, error: Exception) -> None:
        self.lost = True
        with contextlib.suppress(AttributeError, OSError, ValueError):  # not a real file: a test's
            null = os.open(os.devnull, os.O_WRONLY)
            os.dup2(null, self.stream.fileno())
            os.close(null)
        self._tell(getattr(error, "strerror", None) or error)

    def _tell(self, reason) -> None:
        if self.name != "standard error":
            click.echo(f"sigmoid: cannot write to {self.name} ({reason}); going on without it", err=True)


def _command_path(argv: list[str] | None) -> str:
    """``"sigmoid SUBCOMMAND"`` for the subcommand that ran (the group takes no valued options,
    so it is the first word that is not an option), else ``"sigmoid"``."""
    name = next((word for word in _words(argv) if not word.startswith("-")), None)
    return f"sigmoid {name}" if name in cli.commands else "sigmoid"


def _words(argv: list[str] | None) -> list[str]:
    """The command line's words: ``argv``, or the process's own arguments when it is None."""
    return sys.argv[1:] if argv is None else argv


def _one_line(error: BaseException) -> str:
    text = error.format_message() if isinstance(error, click.ClickException) else str(error)
    return " ".join(text.split()) or type(error).__name__


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
