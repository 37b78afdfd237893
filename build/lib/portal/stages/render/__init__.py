"""Rendering: Markdown to HTML (:mod:`.markdown`, cached by :mod:`.cache`), a post's Pelican
metadata (:mod:`.metadata`), one site's Pelican runs (:mod:`.site`) and the reuse of
pages that provably did not change (:mod:`.incremental`)."""
