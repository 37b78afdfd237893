"""Benchmarks: the harness of ``portal bench`` (:mod:`.harness`), synthetic networks
(:mod:`.synth`), the peers — Hugo (:mod:`.hugo`) and naive Pelican (:mod:`.naive_pelican`) —
and the readers' search at scale (:mod:`.search`).

Imports: the model and the stages. The pipeline never imports this package.
"""
