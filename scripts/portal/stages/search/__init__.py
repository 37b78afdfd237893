"""Search indexes: each site's Pagefind bundle (:mod:`.site`), the indexes that need every
site — the shared directives' bundle and the network shards (:mod:`.network`) — and the
editors' Whoosh index (:mod:`.editor`)."""
