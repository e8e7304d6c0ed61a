"""``kennisbank cities``: add cities from the GeoNames dataset and list the known ones."""

from __future__ import annotations

import json

import click
from sqlalchemy import select

from ..content.vocab import country_name
from ..extensions import db
from ..models import City
from .cities import RELATIONS, UnknownCity, add_city


@click.group()
def cities() -> None:
    """Partner cities: population and location come from GeoNames."""


@cities.command("add")
@click.argument("name")
@click.option("--country", required=True, metavar="CC",
              help="ISO 3166 country code, such as NL, DE or BE.")
@click.option("--relation", type=click.Choice(list(RELATIONS)), default="other",
              show_default=True, help="The city's relation to Deventer.")
def add_command(name: str, country: str, relation: str) -> None:
    """Add the city NAME in COUNTRY (or refresh its data), looked up in GeoNames."""
    try:
        city, created = add_city(name, country, relation)
    except UnknownCity as exc:
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    verb = "Added" if created else "Updated"
    click.echo(f"{verb} {city.name} ({city.country}): population {city.population:,}, "
               f"{city.latitude:.4f}, {city.longitude:.4f}, relation {city.relation}.")


@cities.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def list_command(as_json: bool) -> None:
    """The cities known to Kennisbank."""
    rows = db.session.scalars(select(City).order_by(City.country, City.name)).all()
    if as_json:
        click.echo(json.dumps([
            {"id": c.id, "name": c.name, "country": c.country, "population": c.population,
             "latitude": c.latitude, "longitude": c.longitude, "relation": c.relation}
            for c in rows
        ], ensure_ascii=False, indent=2))
        return
    if not rows:
        click.echo("No cities yet: add one with `kennisbank cities add NAME --country CC`.")
        return
    for c in rows:
        population = f"{c.population:,}" if c.population else "-"
        click.echo(f"{c.id:>4}  {c.name:<24} {c.country}  {country_name(c.country, 'en'):<16} "
                   f"{population:>12}  {c.relation}")
