"""PetClinic: the application factory."""

import logging

from flask import Flask
from flask.templating import Environment

from app import config as app_config
from app.database import begin_writes_immediately, configure_engine
from app.extensions import bootstrap, csrf, db
from app.migrate import register_migrations


class TemplateEnvironment(Environment):
    """Flask's Jinja environment, whose templates read its globals directly.

    Jinja gives each template ChainMap(the template's own globals, the environment's), and
    every ``{% from ... import %}`` compares the importing template's globals with the
    imported one's key by key through it: some 150 Python calls an import, four imports on
    the owner page. No template here has globals of its own (nothing calls get_template or
    from_string with ``globals=``, which would now write to the environment's), so each gets
    the environment's dict and the comparison is a set difference in C.
    """

    def make_globals(self, d):
        return super().make_globals(d) if d else self.globals


def create_app(config=None):
    """Create and configure the application; ``config`` overrides the environment."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder="../templates",
        static_folder="../static",
    )
    app.jinja_environment = TemplateEnvironment
    app.config.from_mapping(app_config.from_environment())
    if config:
        app.config.from_mapping(config)
        if "SQLALCHEMY_DATABASE_URI" in config and "SQLALCHEMY_ENGINE_OPTIONS" not in config:
            uri = str(config["SQLALCHEMY_DATABASE_URI"])
            app.config["SQLALCHEMY_ENGINE_OPTIONS"] = app_config.engine_options(uri)

    register_logging(app)
    register_extensions(app)
    register_operations(app)
    register_auth(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_template_helpers(app)
    register_commands(app)
    return app


def register_logging(app):
    """Send the app's own log lines to stderr once, at INFO."""
    logger = logging.getLogger("petclinic")
    if not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)


def register_extensions(app):
    """Bind the extensions, and give the engine its per-connection behaviour."""
    db.init_app(app)
    register_migrations(app)  # Flask-Migrate (and Alembic) imported only by `flask db`
    csrf.init_app(app)
    bootstrap.init_app(app)
    with app.app_context():
        configure_engine(db.engine, app.config["SLOW_QUERY_MS"], app.config["DB_STATEMENT_TIMEOUT"])
    begin_writes_immediately(app)


def register_blueprints(app):
    """Attach each feature's blueprint, numbers in their URLs read as database ids."""
    from app import routing
    from app.account.routes import bp as account_bp
    from app.api import init_api
    from app.appointments.cancel_routes import bp as cancellation_bp
    from app.appointments.free_routes import bp as free_slots_bp
    from app.appointments.routes import bp as appointments_bp
    from app.audit_log.routes import bp as audit_log_bp
    from app.auth.routes import bp as auth_bp
    from app.calendar_feed.routes import bp as calendar_feed_bp
    from app.main.routes import bp as main_bp
    from app.messages.log import bp as message_log_bp
    from app.messages.preview import bp as message_templates_bp
    from app.messages.public import bp as unsubscribe_bp
    from app.messages.routes import bp as messages_bp
    from app.owners.merge_routes import bp as owner_merges_bp
    from app.owners.routes import bp as owners_bp
    from app.pets.alert_routes import bp as pet_alerts_bp
    from app.pets.routes import bp as pets_bp
    from app.reference.routes import bp as reference_bp
    from app.reference.vaccines import bp as vaccine_types_bp
    from app.reminders.routes import bp as reminders_bp
    from app.schedule.routes import bp as schedule_bp
    from app.tokens.routes import bp as tokens_bp
    from app.users.routes import bp as users_bp
    from app.vaccinations.routes import bp as vaccinations_bp
    from app.vets.routes import bp as vets_bp
    from app.visits.routes import bp as visits_bp
    from app.weights.routes import bp as weights_bp
    from app.working_time.routes import bp as working_time_bp

    routing.register(app)
    for blueprint in (
        auth_bp,
        account_bp,
        main_bp,
        owners_bp,
        owner_merges_bp,
        pets_bp,
        pet_alerts_bp,
        vets_bp,
        appointments_bp,
        cancellation_bp,
        free_slots_bp,
        schedule_bp,
        visits_bp,
        weights_bp,
        users_bp,
        tokens_bp,
        reference_bp,
        calendar_feed_bp,
        working_time_bp,
        vaccine_types_bp,
        vaccinations_bp,
        reminders_bp,
        message_log_bp,
        unsubscribe_bp,
        messages_bp,
        message_templates_bp,
        audit_log_bp,
    ):
        app.register_blueprint(blueprint)
    init_api(app)  # the JSON API under API_PREFIX (app/api)


def register_auth(app):
    """Sign-in for every page but the public ones, roles, and the audit trail."""
    from app.audit import record_changes
    from app.auth.setup import init_auth

    init_auth(app)
    record_changes()


def register_errorhandlers(app):
    """Error pages in the site's layout (or JSON problems for API clients)."""
    from app.errors import register

    register(app)


def register_template_helpers(app):
    """Filters the templates share, and the language each page speaks."""
    from app.i18n import init_i18n
    from app.templating import register

    register(app)
    init_i18n(app)


def register_commands(app):
    """The `flask` commands of each feature."""
    from app.appointments.commands import appointments_cli, export_appointments
    from app.auth.commands import users
    from app.calendar_feed.commands import feed_cli
    from app.cli import command_group
    from app.messages.commands import messages_cli
    from app.owners.commands import export_owners, import_owners
    from app.pets.commands import pettypes_cli
    from app.reference.commands import appointment_types_cli
    from app.reminders.commands import reminders_cli
    from app.seed.commands import seed
    from app.tokens.commands import token_cli
    from app.vaccinations.commands import vaccines_cli
    from app.vets.commands import specialties_cli, vets_cli
    from app.working_time.commands import closures_cli, hours_cli
    from app.working_time.vet_commands import absences_cli, rota_cli

    vets_cli.add_command(feed_cli)  # `flask vets feed ...`
    users.add_command(token_cli)  # `flask users token ...`
    app.cli.add_command(seed)
    app.cli.add_command(users)
    for group in (vets_cli, specialties_cli, pettypes_cli, appointment_types_cli, appointments_cli,
                  hours_cli, closures_cli, rota_cli, absences_cli, vaccines_cli, reminders_cli,
                  messages_cli):
        app.cli.add_command(group)
    app.cli.add_command(command_group("import", "Read CSV files into the database.", import_owners))
    app.cli.add_command(
        command_group("export", "Write CSV files.", export_owners, export_appointments)
    )


def register_operations(app):
    """Production checks and operations: secret key, proxy, security headers, health endpoints."""
    from app.ops import register

    register(app)
