"""``radar projects``: create and list projects (networks, cohorts)."""

from __future__ import annotations

import typer

from app.cli.common import read_session, say, say_row, write_session
from app.services import projects as service
from app.settings import get_settings

app = typer.Typer(
    help="Projects: a network or cohort of partner organisations.", no_args_is_help=True
)


@app.command()
def create(
    slug: str = typer.Argument(..., help="Short unique name used in commands and links"),
    name: str = typer.Option(..., "--name", help="Display name"),
    min_group_size: int | None = typer.Option(
        None, help="Smallest group an aggregate shows to others (default RADAR_MIN_GROUP_SIZE)"
    ),
) -> None:
    """Create a project."""
    minimum = get_settings().min_group_size if min_group_size is None else min_group_size
    with write_session() as session:
        project = service.create_project(session, slug, name, min_group_size=minimum)
    say(f"project {project.slug} created")


@app.command("list")
def list_() -> None:
    """List projects: slug, name, minimum group size."""
    with read_session() as session:
        for project in service.list_projects(session):
            say_row(project.slug, project.name, f"min group {project.min_group_size}")
