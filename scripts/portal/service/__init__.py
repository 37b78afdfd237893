"""The interaction service (issue 15): what citizens send back to the portals.

Questions and feedback with a tracking code and a deadline in working days, comments on
drafts, satisfaction ratings and a site survey, received on each portal's own origin under
``/api/`` and handled by the portal's Editorial Board in a back office (``/api/quan-tri/``).
Answers and accepted comments are published as content on a Git branch (the board's merge
is the sign-off); monthly figures are exported for the build and for scoring.

Modules: ``config`` (settings from the environment), ``models`` and ``db`` (SQLAlchemy,
Alembic migrations in ``migrations/``), ``calendar`` (working days), ``forms`` (validation of
what citizens send), ``workflow`` (the board's steps, permissions, audit log), ``accounts``
(passwords, lockout), ``publish`` (branches with GitPython), ``export`` and ``purge``,
``mail`` (confirmation codes), ``limits`` (rate limits), ``app`` (the Starlette application),
``dispatch`` (static sites and the service on the same origins), ``loadtest``.
"""
