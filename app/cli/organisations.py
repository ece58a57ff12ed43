"""``radar organisations``: the partner organisations of a project."""

from __future__ import annotations

import typer

from app.cli.common import read_session, say, say_row, write_session
from app.services import projects as service

app = typer.Typer(help="Partner organisations of a project.", no_args_is_help=True)


@app.command()
def add(
    project: str = typer.Argument(..., help="Project slug"),
    name: str = typer.Argument(..., help="Organisation name, unique in the project"),
    country: str = typer.Option("", help="Two-letter country code, e.g. DE"),
    kind: str = typer.Option("region", help="region, municipality, county, city, ngo or other"),
) -> None:
    """Add an organisation to a project."""
    with write_session() as session:
        found = service.get_project_by_slug(session, project)
        organisation = service.add_organisation(session, found, name, country=country, kind=kind)
    say(f"organisation {organisation.name!r} added to {found.slug}")


@app.command("list")
def list_(project: str = typer.Argument(..., help="Project slug")) -> None:
    """List a project's organisations: name, country, kind."""
    with read_session() as session:
        found = service.get_project_by_slug(session, project)
        for organisation in service.list_organisations(session, found):
            say_row(organisation.name, organisation.country or "-", organisation.kind)
