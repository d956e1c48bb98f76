"""The ``sigmoid data`` subcommand: fetch MNIST if needed, show where it is, verify it.

``sigmoid data`` fetches (once) and prints the cache folder and the split sizes, hashing every
cached file on the way: a derived cache that was changed is rebuilt, a source file that fails its
SHA-256 gets a one-line warning. ``--where`` only prints the folder; ``--verify`` re-checks the
SHA-256 of the files there and changes nothing; when it fails it says which files to delete.
The folder is ``--data-dir``, else ``$SIGMOID_DATA_DIR``, else the per-user cache folder.
"""

from __future__ import annotations

from pathlib import Path

import click
import numpy as np

DATA_DIR_HELP = "folder holding the MNIST files (default: $SIGMOID_DATA_DIR or the user cache)"


@click.command("data")
@click.option(
    "--data-dir", type=click.Path(file_okay=False, path_type=Path), default=None, help=DATA_DIR_HELP
)
@click.option("--where", is_flag=True, help="only print the cache folder; fetch nothing")
@click.option("--verify", is_flag=True, help="re-check the checksums of the cached files")
def data_command(data_dir: Path | None, where: bool, verify: bool) -> None:
    """Fetch MNIST into the cache (if needed), show where it is and verify it."""
    from sigmoid import datasets  # imported here: `sigmoid --help` stays fast

    folder = datasets.mnist_cache_dir(data_dir)
    if where:
        click.echo(str(folder))
        return
    if verify:
        for line in datasets.verify_mnist(folder):
            click.echo(line)
        click.echo(f"MNIST in {folder}: verified")
        return
    data, scale = datasets.load_mnist_uint8(folder, download=True, log=_log, thorough=True)
    click.echo(f"MNIST cache: {folder}")
    for name, (_, y) in zip(data._fields, data, strict=True):
        counts = " ".join(str(c) for c in np.bincount(y, minlength=10))
        click.echo(f"  {name:<10} {len(y):>6} images  (per digit 0-9: {counts})")
    click.echo(f"  pixels stored as k/{round(1 / scale)}, loaded as float32 in [0, 1]")


def _log(message: str) -> None:
    click.echo(f"sigmoid: {message}", err=True)


COMMANDS = [data_command]
