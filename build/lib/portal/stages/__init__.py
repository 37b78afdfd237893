"""The pipeline, stage by stage: plan → render → index → publish (DESIGN.md, "Data flow").

- :mod:`.check`: validate sites.yaml and content without building;
- :mod:`.plan`: which sites a Git change affects; :mod:`.history`: dates and sign-off
  from Git history; :mod:`.repository`: the project's Git repository;
- :mod:`.render`: one Pelican run per site and language (Markdown, render cache,
  Pelican metadata, incremental reuse);
- :mod:`.build`: the orchestration (validate, parse shared content once, a worker per
  site); :mod:`.output`: building a tree aside and swapping it into place;
  :mod:`.shard`: sharded builds and their assembly; :mod:`.directory`: the local
  directory page; :mod:`.preview`: the local preview server;
- :mod:`.search`: readers' Pagefind indexes (per site, shared directives, network
  shards) and the editors' Whoosh index;
- :mod:`.publish`: releases in a target folder or on branches, manifests, scheduled posts.

Imports: :mod:`portal.model` and other stages — never ``portal.commands``,
``portal.bench``, ``portal.service``, ``portal.score`` or the CLI.
"""
