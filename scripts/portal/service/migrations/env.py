"""Alembic environment of the interaction service: the URL comes from the config (portal.service.db)."""

from __future__ import annotations

from alembic import context

from portal.service.db import make_engine
from portal.service.models import Base

target_metadata = Base.metadata


def run_migrations_online() -> None:
    engine = make_engine(context.config.get_main_option("sqlalchemy.url"))
    try:
        with engine.connect() as connection:
            context.configure(connection=connection, target_metadata=target_metadata,
                              render_as_batch=connection.dialect.name == "sqlite")
            with context.begin_transaction():
                context.run_migrations()
    finally:
        engine.dispose()


def run_migrations_offline() -> None:
    context.configure(url=context.config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata,
                      literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


try:
    offline = context.is_offline_mode()
except (AttributeError, NameError):  # imported outside Alembic (tests import every module): nothing to run
    offline = None
if offline is True:
    run_migrations_offline()
elif offline is False:
    run_migrations_online()
