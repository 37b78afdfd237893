"""Publishing built sites: releases with an atomic ``current`` switch in a target folder
(:mod:`.target`) or commits on publication branches (:mod:`.branch`), manifests of built
trees (:mod:`.manifest`) and what a rebuild now would change (:mod:`.due`)."""
