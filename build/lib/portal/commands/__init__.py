"""The ``portal`` command's verbs, one module per group; :mod:`portal.cli` only parses and dispatches.

Each module has ``add_commands(sub)``, which adds its sub-parsers (each with its handler
as ``func``). Imports: the model, the stages and :mod:`portal.bench`; never the CLI.
"""
