"""The model: what the network *is*, read and validated, with nothing built.

sites.yaml and its sections (:mod:`.sites`, :mod:`.sections`), content files and their
validation (:mod:`.content`), the catalogue of a build's posts (:mod:`.catalogue`), board
ownership (:mod:`.codeowners`), text folding (:mod:`.text`), the YAML loader with line
numbers (:mod:`.yamlio`), theme strings and dates per language (:mod:`.i18n`) and the
``path:LINE: message`` problems every layer reports (:mod:`.errors`).

Imports: the standard library and third-party packages only — never ``portal.stages``,
``portal.commands``, ``portal.bench``, ``portal.service``, ``portal.score`` or the CLI.
"""
