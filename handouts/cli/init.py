"""``handouts init``: a new clinic project."""

from __future__ import annotations

from pathlib import Path

import click

from handouts.cli.options import guard

@click.command()
@click.argument("folder", type=click.Path(path_type=Path))
@click.option("--with-templates", is_flag=True,
              help="Also copy the templates (layout and label catalogs) to change them. "
                   "In an existing project (FOLDER has content/), add only the templates.")
def init(folder, with_templates):
    """Start a new clinic project in FOLDER: a commented clinic.yaml, a
    placeholder logo, an example handout per language and a .gitignore.
    Never overwrites a file."""
    from handouts import scaffold

    written = guard(lambda: scaffold.init(folder, with_templates))
    click.echo(f"created {len(written)} files in {folder}:")
    for path in written:
        click.echo(f"  {path.relative_to(folder)}")
    click.echo("next, put your clinic's details in content/clinic.yaml and your logo in "
               "content/assets/, then run:")
    for command in scaffold.next_steps(folder):
        click.echo(f"  {command}")
