"""`flask seed ...` commands."""

import random
import time

import click

from app.cli import CommandGroup, progress_bar
from app.database import write_transactions
from app.extensions import db
from app.i18n import _, ngettext, number
from app.migrate import upgrade_schema
from app.seed.bulk import NoRoom, seed_bulk
from app.seed.demo import (
    DEMO_ACCOUNTS,
    ensure_demo_accounts,
    ensure_reference_data,
    seed_demo_clinic,
)
from app.seed.spring import NotEmpty, seed_spring
from app.seed.vaccinations import ensure_vaccine_types, seed_demo_vaccinations
from app.seed.vocabulary import PET_NAMES

MAX_PETS_PER_OWNER = 10
MAX_APPOINTMENTS_PER_PET = 50

seed = CommandGroup("seed", help="Fill the database with reference data or demo data.")


@seed.command("demo")
@click.option(
    "--upgrade",
    is_flag=True,
    help="Run `flask db upgrade` first, in this process (`make run`: one start-up, not two).",
)
def seed_demo(upgrade):
    """Reference data, a demo clinic and demo sign-ins; safe to run again (skips what exists)."""
    if upgrade:
        upgrade_schema()
    with write_transactions():
        added = ensure_reference_data()
        added += ensure_vaccine_types()
        created = seed_demo_clinic()
        if created:
            seed_demo_vaccinations()
        accounts = ensure_demo_accounts()
        db.session.commit()
    click.echo(ngettext("Reference data: %(num)d row added.", "Reference data: %(num)d rows added.",
                        added))
    if created:
        click.echo(_("Demo clinic created: 10 owners, 13 pets, 6 vets, appointments, visits and "
                     "vaccinations."))
    else:
        click.echo(_("Demo clinic skipped: the database already has owners."))
    click.echo(ngettext("Demo accounts: %(num)d created. Sign in with one of these (demo only):",
                        "Demo accounts: %(num)d created. Sign in with one of these (demo only):",
                        accounts))
    for username, password, role, _vet in DEMO_ACCOUNTS:
        role, username = role.ljust(10), username.ljust(10)
        # TRANSLATORS: one line of a table; %(role)s and %(username)s are padded to 10 characters.
        click.echo(_("  %(role)s username %(username)s password %(password)s",
                     role=role, username=username, password=password))


@seed.command("spring")
def seed_spring_command():
    """Spring PetClinic's sample data, with Spring's ids (pet type 1 is cat), into a new database.

    For clients written against the Spring REST project, such as its Postman collection. No
    sign-ins are created: add one with `flask users create`.
    """
    with write_transactions():
        try:
            counts = seed_spring()
        except NotEmpty as refusal:
            db.session.rollback()
            raise click.ClickException(_("Nothing was added: %(reason)s", reason=refusal)) from None
        added = ensure_reference_data()  # appointment types, for booking
        db.session.commit()
    click.echo(_(
        "Spring PetClinic's data added: %(pet_types)d pet types, %(specialties)d specialties, "
        "%(vets)d vets, %(owners)d owners, %(pets)d pets, %(visits)d visits; %(added)d other "
        "reference rows.", pet_types=counts["pet types"], specialties=counts["specialties"],
        vets=counts["vets"], owners=counts["owners"], pets=counts["pets"], visits=counts["visits"],
        added=added))


BULK_HELP = """Add a large, realistic clinic for benchmarks, in one transaction, and time it.

Owners with names, addresses, telephone numbers and often an email; pets of every type;
appointments in clinic hours over the past year and the next four months (past ones
completed with their visit, no-show or cancelled; future ones scheduled), never two at
once for a vet or for a pet. Vets are added when those present cannot take them all.
Missing reference data is added first. Prints rows per second at the end.
"""


@seed.command("bulk", help=BULK_HELP)
@click.option("--owners", type=click.IntRange(min=1), required=True, help="How many owners to add.")
@click.option(
    "--pets-per-owner",
    type=click.IntRange(0, min(MAX_PETS_PER_OWNER, len(PET_NAMES))),
    default=2,
    show_default=True,
    help="Pets per owner, each of a seeded type with a plausible birth date.",
)
@click.option(
    "--appointments-per-pet",
    type=click.IntRange(0, MAX_APPOINTMENTS_PER_PET),
    default=5,
    show_default=True,
    help="Appointments per pet, spread over the period.",
)
@click.option(
    "--seed",
    "seed_value",
    type=int,
    help="Random seed: the same seed on the same day and database gives the same data.",
)
def seed_bulk_command(owners, pets_per_owner, appointments_per_pet, seed_value):
    """Add a large, realistic clinic for benchmarks and report rows per second."""
    if seed_value is None:
        seed_value = random.randrange(1_000_000)
    started = time.perf_counter()
    with write_transactions():
        with progress_bar(_("Seeding owners"), length=owners) as bar:
            try:
                counts = seed_bulk(owners, pets_per_owner, appointments_per_pet, seed_value, bar.update)
            except NoRoom as refusal:
                raise click.ClickException(_("Nothing was added: %(reason)s",
                                             reason=refusal)) from None
        db.session.commit()
    seconds = time.perf_counter() - started
    click.echo(_(
        "Added %(owners)s owners, %(pets)s pets, %(appointments)s appointments, %(visits)s visits "
        "and %(vets)s vets (seed %(seed)d).", owners=number(counts.owners),
        pets=number(counts.pets), appointments=number(counts.appointments),
        visits=number(counts.visits), vets=number(counts.vets), seed=seed_value,
    ))
    click.echo(_("%(rows)s rows in %(seconds)s s: %(rate)s rows/s.", rows=number(counts.total),
                 seconds=number(seconds, 1), rate=number(counts.total / seconds, 0)))
